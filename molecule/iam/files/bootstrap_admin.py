"""Create an administrator and its access key at a fresh IAM-enforcing endpoint.

moto started with INITIAL_NO_AUTH_ACTION_COUNT=3 (bench: --enforce-iam-after 3)
answers the first three calls without credentials: exactly the three made
here. Every later call needs a key that IAM allows, as on AWS.

    python bootstrap_admin.py --port 5102 --out .cache/molecule-iam/admin.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import boto3

ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
UNAUTHENTICATED_CALLS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--user", default="bench-admin")
    args = parser.parse_args()
    iam = boto3.client(
        "iam",
        endpoint_url=f"http://127.0.0.1:{args.port}",
        region_name="us-east-1",
        aws_access_key_id="bootstrap",
        aws_secret_access_key="bootstrap",
    )
    iam.create_user(UserName=args.user)
    iam.put_user_policy(UserName=args.user, PolicyName="admin", PolicyDocument=json.dumps(ADMIN_POLICY))
    key = iam.create_access_key(UserName=args.user)["AccessKey"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
    args.out.chmod(0o600)
    print(f"admin {args.user}: key {key['AccessKeyId']} in {args.out}")


if __name__ == "__main__":
    main()
