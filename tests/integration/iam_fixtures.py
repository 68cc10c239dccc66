# What the IAM integration tests share: policy documents, AWS's words for a
# refusal, and IAM users made through athena-local's own IAM API.
#
#     from iam_fixtures import allow, create_user, implicit, policy
#     name, key = create_user(iam, allow("athena:*"))

import json
import uuid

ACCOUNT = "123456789012"
REGION = "us-east-1"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resources="*", **extra):
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def deny(actions, resources="*", **extra):
    return {"Effect": "Deny", "Action": actions, "Resource": resources, **extra}


def implicit(user, action, resource=None, quote=False):
    """AWS's message for an action no identity-based policy allows (S3 quotes
    the resource; actions without a resource type name none)."""
    on = "" if resource is None else (
        f' on resource: "{resource}"' if quote else f" on resource: {resource}")
    return (f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: "
            f"{action}{on} because no identity-based policy allows the {action} action")


def explicit(user, action, resource):
    return (f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: "
            f"{action} on resource: {resource} with an explicit deny in an identity-based policy")


def create_user(iam, *statements):
    """A new IAM user with one inline policy of statements (none: no policy)
    and an access key; returns (name, AccessKey)."""
    name = "u" + uuid.uuid4().hex[:10]
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
    return name, iam.create_access_key(UserName=name)["AccessKey"]
