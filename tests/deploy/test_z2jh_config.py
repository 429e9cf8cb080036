"""deploy/z2jh/config.yaml: it parses, and every key it sets exists in the Zero to JupyterHub chart's values schema.

Offline: the schema, the chart's defaults and its Chart.yaml are vendored at the pinned version in
deploy/z2jh/chart-4.4.0/. `helm` validates a release's values (the chart's defaults with ours merged over them)
against that schema, and so does this test, with jsonschema; a second check walks our keys one by one, so a
misspelt key is named by its path.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema  # nbformat's dependency, so always in the dev environment
import pytest
import yaml

from lesson_app.config.settings import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy" / "z2jh"
CHART = DEPLOY / "chart-4.4.0"
# Kubernetes' rule for a Secret's keys.
SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def config() -> dict:
    return _load(DEPLOY / "config.yaml")


def merged(defaults: dict, ours: dict) -> dict:
    """Merge our values over the chart's as helm does: maps merge key by key, anything else replaces."""
    out = copy.deepcopy(defaults)
    for key, value in ours.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def schema_errors(values: dict) -> list[str]:
    """What jsonschema finds wrong with the release's values, the chart's defaults merged under ours."""
    validator = jsonschema.Draft7Validator(_load(CHART / "values.schema.yaml"))
    release = merged(_load(CHART / "values.yaml"), values)
    errors = validator.iter_errors(release)
    return sorted(f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)


def unknown_keys(values: dict, schema: dict, path: str = "") -> list[str]:
    """The key paths in `values` that the schema does not name, down to where it allows any key (extraEnv, ...)."""
    found = []
    for key, value in values.items():
        here = f"{path}.{key}" if path else key
        patterns = schema.get("patternProperties", {})  # hub.config: any class name that starts with a capital
        matched = [sub for pattern, sub in patterns.items() if re.search(pattern, key)]
        sub = schema.get("properties", {}).get(key) or (matched[0] if matched else None)
        if sub is None:
            if schema.get("additionalProperties", True) is False:
                found.append(here)
        elif isinstance(value, dict):
            found += unknown_keys(value, sub, here)
    return found


def test_the_config_parses_and_helm_would_accept_it() -> None:
    assert schema_errors(config()) == []


def test_every_key_path_exists_in_the_chart_schema() -> None:
    values = config()
    assert unknown_keys(values, _load(CHART / "values.schema.yaml")) == []
    # The walk reaches the leaves we care about: it is not stopping early at a permissive level.
    assert "lifecycleHooks" in values["singleuser"] and "extraEnv" in values["singleuser"]


@pytest.mark.parametrize(
    ("path", "misspelt"),
    [
        (("singleuser",), "singeluser"),
        (("singleuser", "extraEnv"), "extraEnvs"),
        (("singleuser", "image", "tag"), "tags"),
        (("singleuser", "lifecycleHooks", "postStart"), "poststart"),
        (("hub", "config", "Authenticator"), "authenticator"),  # traitlets classes start with a capital
    ],
)
def test_a_misspelt_key_fails_both_checks(path: tuple[str, ...], misspelt: str) -> None:
    values = config()
    parent = values
    for key in path[:-1]:
        parent = parent[key]
    parent[misspelt] = parent.pop(path[-1])
    wrong = ".".join((*path[:-1], misspelt))
    assert wrong in unknown_keys(values, _load(CHART / "values.schema.yaml"))
    assert schema_errors(values), f"jsonschema accepted {wrong}"


def test_the_environment_names_only_settings_that_exist() -> None:
    names = set(config()["singleuser"]["extraEnv"])
    settings = {name.upper() for name in Settings.model_fields}
    assert names - settings == set()
    assert {"DATABASE_URL", "DIRECT_DATABASE_URL", "CLASS_DATABASE_URL", "LEARNER_DATABASES"} <= names


def test_each_learner_reads_their_own_keys_of_one_secret() -> None:
    refs = [
        spec["valueFrom"]["secretKeyRef"]
        for spec in config()["singleuser"]["extraEnv"].values()
        if isinstance(spec, dict) and "valueFrom" in spec
    ]
    assert len(refs) == 3 and {ref["name"] for ref in refs} == {"request-journey-learners"}
    for ref in refs:
        # KubeSpawner 7's `{username}` is a slug (`ada-lovelace---1a2b3c4d` for `Ada.Lovelace`); only
        # `{unescaped_username}` is the hub's name, JUPYTERHUB_USER, which the Secret's keys are written with.
        assert "{unescaped_username}." in ref["key"] and "{username}" not in ref["key"], ref["key"]
        key = ref["key"].format(unescaped_username="Ada.Lovelace")
        assert key.startswith("Ada.Lovelace.") and SECRET_KEY.fullmatch(key), key


def test_the_release_does_not_keep_the_dummy_authenticator() -> None:
    # The chart's own values choose `dummy` (any name, any password); ours must replace it, not inherit it.
    assert _load(CHART / "values.yaml")["hub"]["config"]["JupyterHub"]["authenticator_class"] == "dummy"
    release = merged(_load(CHART / "values.yaml"), config())
    chosen = release["hub"]["config"]["JupyterHub"]["authenticator_class"]
    assert chosen not in {"dummy", "null", "jupyterhub.auth.DummyAuthenticator"}, chosen
    assert config()["hub"]["config"]["JupyterHub"]["authenticator_class"] == chosen


def test_a_config_without_an_authenticator_is_caught() -> None:
    values = config()
    del values["hub"]["config"]["JupyterHub"]
    release = merged(_load(CHART / "values.yaml"), values)
    assert release["hub"]["config"]["JupyterHub"]["authenticator_class"] == "dummy"


def test_the_chart_version_is_the_one_vendored() -> None:
    text = (DEPLOY / "config.yaml").read_text(encoding="utf-8")
    assert "--version 4.4.0" in text and _load(CHART / "Chart.yaml")["name"] == "jupyterhub"
    assert "blob/4.4.0/jupyterhub/values.schema.yaml" in (CHART / "values.schema.yaml").read_text(encoding="utf-8")
