"""STS GetCallerIdentity, as boto3 calls it: the console asks it once at connect so that a
run's record names the caller by ARN."""
import pytest
from botocore.exceptions import ClientError


def test_get_caller_identity_names_the_signing_key(emulator):
    sts = emulator.client("sts", "eu-west-1")
    who = sts.get_caller_identity()
    assert who["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert who["ResponseMetadata"]["RequestId"]
    assert who["Account"] == "123456789012"
    assert who["Arn"] == f"arn:aws:iam::123456789012:user/emulator-{emulator.credentials[0].lower()}"
    assert who["UserId"].startswith("AIDA")


def test_get_caller_identity_refuses_a_bad_signature(emulator):
    sts = emulator.client("sts", secret="not-the-secret")
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_sts_is_not_a_mutation_and_not_logged_as_one(emulator):
    emulator.client("sts").get_caller_identity()
    assert not [c for c in emulator.calls() if "GetCallerIdentity" in str(c)]
