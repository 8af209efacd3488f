"""Mixed workload for devzone (bench/load/run_load.py starts it; see bench/README.md).

Each simulated user is one county user (county1 … countyN, demo password) signed in through the login page, who
reads lists, details and the dashboard, submits monthly project reports and handles problems through the API with
its bearer token. `GET /healthz` (no database, no template) is the trivial view the pages are compared with.

Environment: DEVZONE_LOAD_TOKENS — JSON file {username: token} written by run_load.py.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import date

from locust import HttpUser, between, events, task

with open(os.environ["DEVZONE_LOAD_TOKENS"], encoding="utf-8") as _tokens:
    TOKENS: dict[str, str] = json.load(_tokens)
USERNAMES = itertools.cycle(sorted(TOKENS, key=lambda name: int(name.removeprefix("county"))))
PASSWORD = os.environ.get("DEVZONE_LOAD_PASSWORD", "devzone-demo")
PERIODS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)
           if date(year, month, 1) <= date.today().replace(day=1)]
OUTCOMES: dict[str, int] = {}


def _count(name: str) -> None:
    OUTCOMES[name] = OUTCOMES.get(name, 0) + 1


class CountyUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = next(USERNAMES)
        self.api = {"Authorization": f"Bearer {TOKENS[self.username]}"}
        self.client.get("/login/", name="login page")
        csrf = self.client.cookies.get("csrftoken", "")
        with self.client.post("/login/", {"username": self.username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": csrf},
                              headers={"Referer": self.host + "/login/"}, name="login",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login failed with {response.status_code}")
        self.enterprise_ids = self._ids("/api/v1/enterprises?limit=100", "api: enterprise ids")
        self.project_ids = self._ids("/api/v1/projects?limit=100", "api: project ids")
        self.problem_ids = self._ids("/api/v1/problems?limit=100", "api: problem ids")

    def _ids(self, url: str, name: str) -> list[int]:
        response = self.client.get(url, headers=self.api, name=name)
        if response.status_code != 200:
            return []
        body = response.json()
        items = body.get("items", body) if isinstance(body, dict) else body
        return [item["id"] for item in items]

    # --- reads -------------------------------------------------------------------------------------------
    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="page: dashboard")

    @task(4)
    def enterprise_list(self) -> None:
        self.client.get(f"/enterprises/?page={random.randint(1, 3)}", name="page: enterprise list")

    @task(3)
    def enterprise_detail(self) -> None:
        if self.enterprise_ids:
            self.client.get(f"/enterprises/{random.choice(self.enterprise_ids)}/", name="page: enterprise detail")

    @task(4)
    def project_list(self) -> None:
        self.client.get("/projects/", name="page: project list")

    @task(3)
    def project_detail(self) -> None:
        if self.project_ids:
            self.client.get(f"/projects/{random.choice(self.project_ids)}/", name="page: project detail")

    @task(2)
    def problem_list(self) -> None:
        self.client.get("/dispatch/problems/", name="page: problem list")

    @task(2)
    def problem_detail(self) -> None:
        if self.problem_ids:
            self.client.get(f"/dispatch/problems/{random.choice(self.problem_ids)}/", name="page: problem detail")

    @task(2)
    def api_project_list(self) -> None:
        self.client.get("/api/v1/projects?limit=50", headers=self.api, name="api: project list")

    # --- writes ------------------------------------------------------------------------------------------
    @task(2)
    def submit_report(self) -> None:
        """A monthly report for a project and month; a month already reported answers 409 (the rule), which
        is counted apart from the 201s, not as an error."""
        if not self.project_ids:
            return
        url = f"/api/v1/projects/{random.choice(self.project_ids)}/reports"
        payload = {"period": random.choice(PERIODS), "investment_month": "1.00", "image_progress": "压测填报",
                   "image_percent": 0, "problems": ""}
        with self.client.post(url, json=payload, headers=self.api, name="api: submit report",
                              catch_response=True) as response:
            if response.status_code == 201:
                _count("report 201 created")
            elif response.status_code in (409, 422) and response.json().get("code"):
                _count(f"report {response.status_code} refused by a rule")
                response.success()
            else:
                response.failure(f"unexpected {response.status_code}")

    @task(2)
    def handle_problem(self) -> None:
        """A handling note (办理进展) on a problem of the county."""
        if not self.problem_ids:
            return
        url = f"/api/v1/problems/{random.choice(self.problem_ids)}/notes"
        with self.client.post(url, json={"note": "压测:已电话联系企业,正在协调"}, headers=self.api,
                              name="api: problem note", catch_response=True) as response:
            if response.status_code == 200:
                _count("problem note 200")
            elif response.status_code in (403, 409, 422) and response.json().get("code"):
                _count(f"problem note {response.status_code} refused by a rule")
                response.success()
            else:
                response.failure(f"unexpected {response.status_code}")

    # --- the trivial view ----------------------------------------------------------------------------------
    @task(3)
    def trivial(self) -> None:
        self.client.get("/healthz", name="trivial: /healthz")


@events.quitting.add_listener
def _write_outcomes(environment, **kwargs) -> None:
    target = os.environ.get("DEVZONE_LOAD_OUTCOMES")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(OUTCOMES, handle, ensure_ascii=False, indent=2)
