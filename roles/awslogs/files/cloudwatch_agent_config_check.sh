#!/bin/sh
# The unified agent's own check of a configuration, before it replaces the one the agent runs on:
# what `amazon-cloudwatch-agent-ctl -a fetch-config` runs (config-translator, then the agent's
# -schematest on the TOML it wrote), in a scratch folder. The candidate JSON comes on stdin.
set -eu
agent_dir=/opt/aws/amazon-cloudwatch-agent
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/d"
cat > "$scratch/d/file_awslogs-ops.json.tmp"
"$agent_dir/bin/config-translator" --input "$scratch/none.json" --input-dir "$scratch/d" \
    --output "$scratch/agent.toml" --mode ec2 --config "$agent_dir/etc/common-config.toml" --multi-config default
"$agent_dir/bin/amazon-cloudwatch-agent" -schematest -config "$scratch/agent.toml"
