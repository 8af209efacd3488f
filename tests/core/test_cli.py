"""The command line: one-line reasons and exit 2 for user mistakes; tokens; the console script itself."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from devzone.cli import main
from devzone.core.services import api_token_authenticate


@pytest.mark.django_db(transaction=True)
def test_token_create_prints_a_working_token(org, capsys):
    assert main(["token", "create", "county1", "--days", "30"]) == 0
    raw = capsys.readouterr().out.strip()
    assert api_token_authenticate(raw) == org.county1_user


@pytest.mark.django_db(transaction=True)
def test_token_for_unknown_user_is_a_one_line_error(org, capsys):
    assert main(["token", "create", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nobody" in err


def test_bad_arguments_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--scale", "many"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "参数错误" in err


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_console_script_runs_without_traceback(tmp_path):
    """The installed `devzone` entry point answers a mistake with exit 2 and no traceback."""
    env = {**os.environ, "DEVZONE_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "devzone.cli", "token", "create"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
