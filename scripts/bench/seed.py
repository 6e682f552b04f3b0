#!/usr/bin/env python3
"""Seeds a benchmark server through its own API: development tokens, generated challenges and
answers. Prints one line per user: `<user_id> <token> <an answered id> <an unanswered id>`.
Every other challenge is answered, alternately right and wrong; with `all`, every challenge is
answered, alternately right and wrong (half of them mistakes, each a review item).

usage: seed.py URL USER_PREFIX USERS CHALLENGES_PER_USER [all]
"""
import http.client
import json
import sys
from urllib.parse import urlparse


def main() -> None:
    url, prefix, users, per_user = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    answer_all = sys.argv[5:] == ["all"]
    target = urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port)

    def call(method: str, path: str, token: str | None, body: dict) -> dict:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        connection.request(method, path, json.dumps(body), headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            sys.exit(f"{method} {path}: {response.status} {payload[:200]!r}")
        return json.loads(payload)

    for n in range(users):
        user = f"{prefix}{n}"
        token = call("POST", "/api/dev/token", None, {"user_id": user, "ttl_secs": 86400})["token"]
        answered = unanswered = 0
        for i in range(per_user):
            challenge = call("POST", "/api/generate-challenge", token,
                             {"difficulty": ("easy", "medium", "hard")[i % 3]})
            if answer_all or i % 2 == 0:
                right = i % 2 == 0 if answer_all else i % 4 == 0
                pick = challenge["correct_answer_id"] if right else (challenge["correct_answer_id"] + 1) % 4
                call("POST", f"/api/challenges/{challenge['id']}/answer", token, {"answer_id": pick})
                answered = challenge["id"]
            else:
                unanswered = challenge["id"]
        print(user, token, answered, unanswered, flush=True)


if __name__ == "__main__":
    main()
