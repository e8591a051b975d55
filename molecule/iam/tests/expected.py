"""What the scenario's vars.yml must produce, written out by hand (not computed by the filter)."""

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:logs:ap-northeast-2:{ACCOUNT}:log-group:/aws/elasticbeanstalk/iam-test/var/log/"

POLICY_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AwslogsAgent",
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": [
                f"{PREFIX}containers/backend.log:*",
                f"{PREFIX}nginx/access.log:*",
                f"{PREFIX}nginx/error.log:*",
            ],
        }
    ],
}

GROUP = "/aws/elasticbeanstalk/iam-test/var/log/"
RETENTION = {
    f"{GROUP}containers/backend.log": 30,
    f"{GROUP}nginx/access.log": 90,
    f"{GROUP}nginx/error.log": 365,
}
TAGS = {f"{GROUP}nginx/error.log": {"team": "web"}}
