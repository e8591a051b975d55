# The two commands a newcomer runs: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_FORCE_COLOR ?= 0

# Every scenario under molecule/ (a folder with a molecule.yml); the Amazon Linux 2 one needs a registry
# that serves amazonlinux:2, so it runs only with AWSLOGS_BENCH_AL2=1.
SCENARIOS ?= $(filter-out $(if $(AWSLOGS_BENCH_AL2),,amazonlinux2),$(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))

.PHONY: help venv dev bench lint sanity unit bench-smoke molecule test demo demo-clean clean bundle $(addprefix molecule-,$(SCENARIOS))

help:
	@echo "make demo   one host ships sample lines to a local CloudWatch Logs endpoint"
	@echo "make test   lint, ansible-test sanity, unit tests, bench smoke and every molecule scenario ($(SCENARIOS))"
	@echo "make bundle the per-instance entry with its collection, a zip for SSM State Manager ($(BUNDLE))"

PIP := $(BIN)/pip install --quiet --disable-pip-version-check

# The control node: ansible, ansible-runner, boto3 and the awslogs-drift command.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt -c requirements.lock
	$(PIP) --no-deps --editable .
	# The fact cache (ansible.cfg) and the build directory: this user's alone.
	mkdir -p .cache/facts && chmod 0700 .cache .cache/facts
	touch $@

# The checks and the bench on top of it: what make test uses.
dev: $(VENV)/.dev-installed
$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt -c requirements.lock
	touch $@

# ansible-test sanity installs its own requirements into the interpreter it
# runs with: a virtualenv of its own, so they never change the others.
SANITY_VENV ?= .venv-sanity
$(SANITY_VENV)/.installed: requirements.txt requirements.lock
	$(PYTHON) -m venv $(SANITY_VENV)
	$(abspath $(SANITY_VENV))/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	touch $@

sanity: $(SANITY_VENV)/.installed
	$(abspath $(SANITY_VENV))/bin/python -m tests.collection_sanity

bench: dev
	$(BIN)/python -m tests.bench setup

lint: dev
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The unit tests side by side (pytest-xdist): each test has its own ports and temporary files.
UNIT_JOBS ?= 4
unit: dev
	$(BIN)/pytest -n $(UNIT_JOBS) tests/unit

# The smoke form of every bench command (tests/smoke): cost on one host, one fault case at a quarter of its
# durations, throughput at one low rate, the demo; a change that breaks a bench fails here.
bench-smoke: bench
	@start=$$(date +%s); \
	status=0; $(BIN)/pytest -n 4 -p no:cacheprovider tests/smoke || status=$$?; \
	echo "bench-smoke: $$(( $$(date +%s) - start )) s, exit $$status"; exit $$status

# The scenarios run side by side, MOLECULE_JOBS at a time: each has its own hosts, port and
# lock (/tmp/molecule-<scenario>.lock, shared with anyone running one by hand), and most of
# their time is waiting on the agent's buffer and on systemd, not the CPU. Each one's output
# comes whole when it ends (-O), with its wall time.
# The longest ones start first, so that none of them is left running alone at the end.
MOLECULE_JOBS ?= 4
LONGEST_FIRST := default drift django reliability platforms
MOLECULE_ORDER = $(addprefix molecule-,$(filter $(SCENARIOS),$(LONGEST_FIRST)) $(filter-out $(LONGEST_FIRST),$(SCENARIOS)))
molecule: bench
	$(MAKE) --no-print-directory -O -j$(MOLECULE_JOBS) $(MOLECULE_ORDER)

$(addprefix molecule-,$(SCENARIOS)): molecule-%:
	@start=$$(date +%s); \
	status=0; flock /tmp/molecule-$*.lock $(BIN)/molecule test --scenario-name $* || status=$$?; \
	echo "molecule $*: $$(( $$(date +%s) - start )) s, exit $$status"; exit $$status

# The checks first, three at a time (none of them starts a host); then the bench's images and engine;
# then one pool of every scenario and the bench smoke tests, so that no slot waits for a stage to end.
test: dev
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -O -j3 lint sanity unit; \
	$(MAKE) --no-print-directory bench; \
	$(MAKE) --no-print-directory -O -j$(MOLECULE_JOBS) $(MOLECULE_ORDER) bench-smoke; \
	echo "make test: $$(( $$(date +%s) - start )) s"

# The SSM State Manager bundle (docs/scheduling.md): the per-instance entry, the stream list and the built
# collection inside, so the run uses this collection, not whatever the instance's ansible package ships.
BUNDLE ?= .cache/awslogs-ops-ssm.zip
BUNDLE_DIR = $(BUNDLE).d
bundle: venv
	rm -rf $(BUNDLE_DIR) $(BUNDLE) && mkdir -p $(BUNDLE_DIR)/root/playbooks/tasks $(BUNDLE_DIR)/root/inventory
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUNDLE_DIR) .
	$(BIN)/ansible-galaxy collection install --offline --no-deps --force --collections-path $(BUNDLE_DIR)/root/collections \
	  $(BUNDLE_DIR)/awslogs_ops-awslogs-*.tar.gz
	cp ansible.cfg $(BUNDLE_DIR)/root/
	cp playbooks/local.yml $(BUNDLE_DIR)/root/playbooks/
	cp playbooks/tasks/require_stream_list.yml $(BUNDLE_DIR)/root/playbooks/tasks/
	cp -R inventory/group_vars $(BUNDLE_DIR)/root/inventory/
	cd $(BUNDLE_DIR)/root && $(BIN)/python -m zipfile -c $(abspath $(BUNDLE)) ansible.cfg playbooks inventory collections
	rm -rf $(BUNDLE_DIR)
	@echo "bundle: $(BUNDLE) (PlaybookFile playbooks/local.yml)"

demo: bench
	$(BIN)/python -m tests.bench demo

demo-clean: dev
	$(BIN)/python -m tests.bench demo --clean

clean: demo-clean
	rm -rf $(VENV) $(SANITY_VENV) .cache
