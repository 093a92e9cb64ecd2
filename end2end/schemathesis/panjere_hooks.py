"""Schemathesis hooks for Panjere (`SCHEMATHESIS_HOOKS=panjere_hooks`).

With `PANJERE_FUZZ_AS=<national code>:<mobile>`, every case is sent signed
in: a session obtained once through the real sign-in (the one-time code read
from the simulated SMS gateway's outbox, found through the simulators' admin
endpoint `PANJERE_AGENCIES_ADMIN_URL`). Without it, the run is anonymous.
"""

import os
import re
import time

import requests
import schemathesis

ADMIN = os.environ.get("PANJERE_AGENCIES_ADMIN_URL", "")
ADMIN_KEY = os.environ.get("PANJERE_AGENCIES_ADMIN_KEY", "dev-admin-key")
SMS_KEY = os.environ.get("PANJERE_AGENCY_SMS_KEY", "dev-sms-key")
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def sign_in(base: str, national_code: str, mobile: str) -> str:
    """Signs in through the API and returns the session's Cookie header."""
    sms = requests.get(f"{ADMIN}/agencies", headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=10).json()["sms"]

    def newest():
        items = requests.get(f"{sms}/outbox", params={"mobile": mobile},
                             headers={"Authorization": f"Bearer {SMS_KEY}"}, timeout=10).json()["items"]
        return items[0] if items else None

    before = newest()
    web = requests.Session()
    started = web.post(f"{base}/api/auth/start", json={"national_code": national_code, "mobile": mobile},
                       headers=SAME_ORIGIN, timeout=30)
    if started.status_code != 200:
        raise RuntimeError(f"sign-in start answered {started.status_code}: {started.text}")
    code = None
    for _ in range(100):
        message = newest()
        if message and (before is None or message["id"] != before["id"]):
            found = re.search(r"(?<!\d)\d{6}(?!\d)", message["text"], re.ASCII)
            code = found.group(0) if found else None
            break
        time.sleep(0.1)
    if not code:
        raise RuntimeError(f"no one-time code arrived for {mobile}")
    verified = web.post(f"{base}/api/auth/verify", json={"code": code}, headers=SAME_ORIGIN, timeout=30)
    if verified.status_code != 200:
        raise RuntimeError(f"sign-in verify answered {verified.status_code}: {verified.text}")
    return "; ".join(f"{c.name}={c.value}" for c in web.cookies)


if os.environ.get("PANJERE_FUZZ_AS"):
    national_code, mobile = os.environ["PANJERE_FUZZ_AS"].split(":")

    # One session for the whole run (no refresh on 401: a request that ends
    # the session is excluded from the signed-in run instead).
    @schemathesis.auth(refresh_interval=24 * 3600, retry_on=[])
    class SignedIn:
        def get(self, case, ctx):
            base = case.operation.base_url.rstrip("/")
            return sign_in(base, national_code, mobile)

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["Cookie"] = data
