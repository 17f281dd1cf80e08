"""A command given a malformed id (an import's, a job's, a source's, an API key's) says so
naming the argument, with exit code 2 (bad usage) as for an option typer refuses: it was exit
1 as if the thing were missing, or a traceback (keys revoke); on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

COMMANDS = [
    pytest.param(["revert-import"], "IMPORT_ID", "an import id", "imports list", id="revert"),
    pytest.param(["imports", "cancel"], "IMPORT_ID", "an import id", "imports list", id="cancel"),
    pytest.param(["jobs", "retry"], "JOB_ID", "a job id", "jobs list", id="job"),
    pytest.param(["sources", "rotate"], "SOURCE_ID", "a source id", "sources list", id="source"),
    pytest.param(["keys", "revoke"], "KEY_ID", "an API key's id", None, id="key"),
]


@pytest.mark.parametrize(("command", "argument", "what", "listed_by"), COMMANDS)
@pytest.mark.parametrize("given", ["nope", "123", "01234567-89ab-cdef-0123-456789abcdeg"])
def test_a_malformed_id_is_bad_usage_naming_the_argument(
    cli, tenant, command, argument, what, listed_by, given
):
    result = cli(*command, given, "--tenant", tenant.slug)
    said = " ".join(result.output.split())  # as one line, however the console wrapped it
    assert result.exit_code == 2, said
    assert f"error: {argument}: {given!r} is not {what}" in said
    assert "Traceback" not in said
    if listed_by:
        assert f"rolodex {listed_by}" in said


def test_a_well_formed_id_of_nothing_is_still_not_found(cli, tenant):
    missing = "01234567-89ab-cdef-0123-456789abcdef"
    for command, said in [
        (["imports", "cancel"], f"no import {missing}"),
        (["revert-import"], f"no import {missing}"),
        (["keys", "revoke"], "no such API key"),
        (["jobs", "retry"], f"no job {missing}"),
    ]:
        result = cli(*command, missing, "--tenant", tenant.slug)
        assert result.exit_code == 1, (command, result.output)  # a failed run, not usage
        assert said in result.output
