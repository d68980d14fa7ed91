"""The scenario language: YAML reading, extends, overrides, defaults and error messages."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import pytest
import yaml

from sim.scenario.errors import FieldProblems, ScenarioError, unknown_name
from sim.scenario.loader import (
    _UniqueKeyLoader,
    deep_merge,
    load_scenario,
    read_scenario_dict,
    scenario_from_dict,
    scenario_to_dict,
    scenario_yaml,
    set_path,
    with_changes,
)
from sim.scenario.model import Scenario

REPO = Path(__file__).resolve().parents[2]

MINIMAL = {
    "district": {"grid": {"rows": 2, "cols": 2, "cell_m": 250}},
    "incidents": {"vendor": {"rate_per_day": {"residential": 2},
                             "ladder": [{"name": "persuade", "duration": 5}]}},
    "units": {"foot": {"count": 2, "shifts": [{"start": "08:00", "end": "17:00"}]}},
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def read_yaml(text: str):
    return yaml.load(textwrap.dedent(text), Loader=_UniqueKeyLoader)


def problems_of(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return info.value.problems


def mutated(path: str, value) -> dict:
    return set_path(MINIMAL, path, value)


# -- YAML scalars ---------------------------------------------------------------------------


def test_clock_times_are_text_and_numbers_are_yaml_1_2():
    data = read_yaml("""
        a: 08:00
        b: 8:30
        c: 24:00
        d: 010
        e: 1e9
        f: 2.5e-3
        g: 1_000
        h: 0x1f
        i: .inf
        j: yes
        k: NO
        l: true
        m: False
        n: ~
        o: 3
        p: -2.5
    """)
    assert data == {
        "a": "08:00", "b": "8:30", "c": "24:00", "d": 10, "e": 1e9, "f": 0.0025, "g": 1000,
        "h": 31, "i": float("inf"), "j": "yes", "k": "NO", "l": True, "m": False, "n": None,
        "o": 3, "p": -2.5,
    }


def test_boolean_fields_still_accept_yes_and_no(tmp_path):
    path = write(tmp_path, "s.yaml", """
        district: {grid: {rows: 1, cols: 1, cell_m: 100}}
        incidents:
          dog: {rate_per_day: {residential: 1}, shop_front: yes, ladder: [{name: catch, duration: 5}]}
        detection: {complaints: no}
        units: {foot: {count: 1, shifts: [{start: 22:00, end: 06:00, overnight: on}]}}
    """)
    scenario = load_scenario(path)
    assert scenario.incidents["dog"].shop_front is True
    assert scenario.detection.complaints is False
    assert scenario.units["foot"].shifts[0].overnight is True
    assert scenario.units["foot"].shifts[0].start == "22:00"


def test_duplicate_keys_are_rejected_with_path_and_lines(tmp_path):
    path = write(tmp_path, "dup.yaml", """
        clock:
          days: 3
          days: 4
    """)
    with pytest.raises(ScenarioError) as info:
        read_scenario_dict(path)
    assert info.value.problems == [("clock.days", "written twice in the same mapping (lines 3 "
                                    "and 4); keep one")]


def test_duplicate_keys_in_lists_of_mappings(tmp_path):
    path = write(tmp_path, "dup.yaml", """
        units:
          foot:
            shifts:
              - {start: "08:00", start: "09:00"}
    """)
    with pytest.raises(ScenarioError) as info:
        read_scenario_dict(path)
    assert info.value.problems[0][0] == "units.foot.shifts.0.start"


def test_yaml_anchors_and_merge_keys_work(tmp_path):
    path = write(tmp_path, "anchors.yaml", """
        shift: &day {start: "08:00", end: "17:00"}
        other: {<<: *day, end: "18:00"}
    """)
    data = read_scenario_dict(path)
    assert data["other"] == {"start": "08:00", "end": "18:00"}


def test_empty_file_and_non_mapping(tmp_path):
    with pytest.raises(ScenarioError, match="the file is empty"):
        read_scenario_dict(write(tmp_path, "e.yaml", "# only a comment\n"))
    with pytest.raises(ScenarioError, match="got 3"):
        read_scenario_dict(write(tmp_path, "n.yaml", "3\n"))


# -- extends --------------------------------------------------------------------------------


def test_deep_merge_merges_mappings_and_replaces_lists():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    over = {"a": {"y": [3], "z": {"k": 1}}, "c": None}
    merged = deep_merge(base, over)
    assert merged == {"a": {"x": 1, "y": [3], "z": {"k": 1}}, "b": 1, "c": None}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}  # inputs untouched



def test_deep_merge_null_removes_a_key_the_base_has():
    base = {"a": {"x": 1, "y": 2}, "b": 1, "d": None}
    over = {"a": {"x": None}, "b": None, "c": None, "d": None}
    assert deep_merge(base, over) == {"a": {"y": 2}, "c": None}
    assert base == {"a": {"x": 1, "y": 2}, "b": 1, "d": None}  # inputs untouched


def test_extends_null_removes_an_inherited_unit_group(tmp_path):
    units = {**MINIMAL["units"], "bikes": {"count": 1, "mode": "ebike",
                                           "shifts": [{"start": "09:00", "end": "18:00"}]}}
    write(tmp_path, "base.yaml", yaml.safe_dump({**MINIMAL, "units": units}))
    assert set(load_scenario(tmp_path / "base.yaml").units) == {"foot", "bikes"}
    path = write(tmp_path, "child.yaml", """
        extends: base.yaml
        units: {foot: null}
    """)
    scenario = load_scenario(path)
    assert set(scenario.units) == {"bikes"}
    assert scenario.units["bikes"].count == 1
    assert "foot" not in read_scenario_dict(path)["units"]


def test_extends_null_resets_an_inherited_field_to_its_default(tmp_path):
    base = {**mutated("clock", {"days": 3, "warmup_days": 1}), "seed": 5}
    base["incidents"]["vendor"]["self_clear"] = 30
    write(tmp_path, "base.yaml", yaml.safe_dump(base))
    path = write(tmp_path, "child.yaml", """
        extends: base.yaml
        seed: null
        clock: {days: null}
        incidents: {vendor: {self_clear: null}}
    """)
    inherited = load_scenario(tmp_path / "base.yaml")
    assert (inherited.seed, inherited.clock.days) == (5, 3)
    assert inherited.incidents["vendor"].self_clear is not None
    scenario = load_scenario(path)
    assert scenario.seed == 1 and scenario.clock.days == 7  # the defaults
    assert scenario.clock.warmup_days == 1  # the rest of the mapping is still inherited
    assert scenario.incidents["vendor"].self_clear is None  # the default: stays until removed


def test_extends_null_for_a_key_the_base_lacks_stays_null_and_is_validated(tmp_path):
    write(tmp_path, "base.yaml", yaml.safe_dump(MINIMAL))
    path = write(tmp_path, "fine.yaml", """
        extends: base.yaml
        incidents: {vendor: {self_clear: null}}
    """)
    assert read_scenario_dict(path)["incidents"]["vendor"]["self_clear"] is None
    assert load_scenario(path).incidents["vendor"].self_clear is None  # null is allowed here
    path = write(tmp_path, "bad.yaml", """
        extends: base.yaml
        clock: {days: null}
    """)
    assert read_scenario_dict(path)["clock"] == {"days": None}
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems == [
        ("clock.days", "expected a whole number, got nothing (an empty value)")
    ]

def test_extends_chain_of_three_with_relative_paths(tmp_path):
    (tmp_path / "lib").mkdir()
    write(tmp_path / "lib", "root.yaml", yaml.safe_dump({**MINIMAL, "seed": 5, "name": "root"}))
    write(tmp_path / "lib", "mid.yaml", """
        extends: root.yaml
        units: {foot: {count: 7}}
    """)
    path = write(tmp_path, "leaf.yaml", """
        extends: lib/mid.yaml
        clock: {days: 3}
    """)
    scenario = load_scenario(path)
    assert scenario.seed == 5
    assert scenario.units["foot"].count == 7
    assert scenario.units["foot"].shifts[0].start == "08:00"  # merged, not replaced
    assert scenario.clock.days == 3
    assert scenario.name == "root"  # inherited; the file stem only when no file names it


def test_name_defaults_to_the_file_stem(tmp_path):
    path = write(tmp_path, "my_plan.yaml", yaml.safe_dump(MINIMAL))
    assert load_scenario(path).name == "my_plan"


def test_extends_cycle_and_missing_parent(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: c.yaml\n")
    write(tmp_path, "c.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="circular extends: a.yaml → b.yaml → c.yaml → a.yaml"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path, "self.yaml", "extends: self.yaml\n")
    with pytest.raises(ScenarioError, match="circular extends"):
        load_scenario(tmp_path / "self.yaml")
    write(tmp_path, "orphan.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match="'nowhere.yaml' not found"):
        load_scenario(tmp_path / "orphan.yaml")
    (tmp_path / "dir.yaml").mkdir()
    write(tmp_path, "to_dir.yaml", "extends: dir.yaml\n")
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path / "to_dir.yaml")


def test_problem_inherited_through_extends_says_so(tmp_path):
    write(tmp_path, "base.yaml", yaml.safe_dump(mutated("units.foot.count", 0)))
    path = write(tmp_path, "child.yaml", "extends: base.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "(after merging extends: base.yaml)" in str(info.value)
    assert info.value.problems[0][0] == "units.foot.count"


# -- overrides ------------------------------------------------------------------------------


def test_set_path_on_mappings_and_lists():
    data = set_path(MINIMAL, "units.foot.shifts.0.end", "18:00")
    assert data["units"]["foot"]["shifts"][0]["end"] == "18:00"
    assert MINIMAL["units"]["foot"]["shifts"][0]["end"] == "17:00"  # copy
    data = set_path(MINIMAL, "detection.cameras.zones", ["A1"])  # creates sections
    assert data["detection"] == {"cameras": {"zones": ["A1"]}}
    data = set_path({"a": {"b": None}}, "a.b.c", 1)  # null section becomes a mapping
    assert data == {"a": {"b": {"c": 1}}}


@pytest.mark.parametrize(
    "dotted, fragment",
    [
        ("units.foot.shifts.x", "expected an index"),
        ("units.foot.shifts.3.start", "out of range"),
        ("units.foot.count.more", "is a single value"),
        ("", "field path"),
        ("units..count", "field path"),
    ],
)
def test_set_path_errors(dotted, fragment):
    with pytest.raises(ScenarioError, match=fragment):
        set_path(MINIMAL, dotted, 1)


def test_overrides_in_load_scenario(tmp_path):
    path = write(tmp_path, "s.yaml", yaml.safe_dump(MINIMAL))
    scenario = load_scenario(path, {"clock.days": 9, "units.foot.count": 4, "seed": 3})
    assert (scenario.clock.days, scenario.units["foot"].count, scenario.seed) == (9, 4, 3)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, {"units.foot.shifts.4.start": "09:00"})
    assert info.value.problems[0][0] == "--set units.foot.shifts.4.start"
    assert "s.yaml" in str(info.value)


def test_with_changes_validates_again():
    scenario = scenario_from_dict(MINIMAL)
    assert with_changes(scenario, {"units.foot.count": 5}).units["foot"].count == 5
    with pytest.raises(ScenarioError, match="units.foot.count"):
        with_changes(scenario, {"units.foot.count": -5})


# -- defaults and the resolved scenario ----------------------------------------------------


def test_defaults_are_filled_in():
    scenario = scenario_from_dict(MINIMAL)
    assert scenario.clock.days == 7 and scenario.clock.warmup_days == 0
    assert scenario.clock.start_weekday == "mon"
    assert scenario.replications == 1 and scenario.seed == 1
    vendor = scenario.incidents["vendor"]
    assert vendor.hour_profile == [1.0] * 24 and vendor.dow_profile == [1.0] * 7
    assert vendor.ladder[0].compliance == 1.0
    assert vendor.ladder[0].duration.mean == 5
    assert scenario.dispatch.policy == "nearest"
    assert scenario.detection.sight == {"foot": 0.85, "ebike": 0.6, "car": 0.35}
    assert scenario.units["foot"].behaviour.kind == "random_patrol"
    assert scenario.units["foot"].mode == "foot"
    assert [z.id for z in scenario.district.all_zones()] == ["A1", "A2", "B1", "B2"]


def test_models_are_frozen():
    scenario = scenario_from_dict(MINIMAL)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError
        scenario.seed = 5  # type: ignore[misc]


def test_resolved_yaml_reads_back_equal(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["name"] = "1e9"  # text that looks like a number must survive the round trip
    data["description"] = "yes"
    data["district"] = {"zones": [{"id": "010", "x_m": 0, "y_m": 0},
                                  {"id": "NO", "x_m": 250, "y_m": 0}]}
    scenario = scenario_from_dict(data)
    path = write(tmp_path, "resolved.yaml", scenario_yaml(scenario))
    again = load_scenario(path)
    assert again == scenario
    assert scenario_to_dict(again) == scenario_to_dict(scenario)


@pytest.mark.parametrize("name", ["default.yaml", "base.yaml"])
def test_shipped_scenario_resolves_and_reads_back(tmp_path, name):
    scenario = load_scenario(REPO / "scenarios" / name)
    path = write(tmp_path, "resolved.yaml", scenario_yaml(scenario))
    assert load_scenario(path) == scenario
    assert yaml.safe_load(scenario_yaml(scenario)) == scenario_to_dict(scenario)  # plain YAML too


# -- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dotted, value, path, fragments",
    [
        ("units.foot.shfits", [], "units.foot.shfits", ["unknown field", "did you mean 'shifts'"]),
        ("units.foot.count", "ten", "units.foot.count", ["expected a whole number", "'ten'"]),
        ("units.foot.count", 2.5, "units.foot.count", ["whole number"]),
        ("units.foot.mode", "bike", "units.foot.mode", ["one of foot, ebike, car"]),
        ("units.foot.behaviour", {"kind": "fixed_post"}, "units.foot.behaviour.zone",
         ["missing"]),
        ("units.foot.behaviour", {"zone": "A1"}, "units.foot.behaviour.kind",
         ["missing", "random_patrol"]),
        ("units.foot.behaviour", {"kind": "fixed_post", "zone": "A1", "start": "7:60"},
         "units.foot.behaviour.start", ["HH:MM"]),
        ("units.foot.shifts.0.days", "weekdayz", "units.foot.shifts.0.days",
         ["did you mean 'weekdays'"]),
        ("units.foot.shifts.0.days", ["mon", "tues"], "units.foot.shifts.0.days.1",
         ["one of mon, tue", "'tues'"]),
        ("incidents.vendor.ladder.0.duration", {"kind": "lognormal", "mean": 5},
         "incidents.vendor.ladder.0.duration.sd", ["missing"]),
        ("incidents.vendor.ladder.0.duration", {"kind": "normal", "mean": 5},
         "incidents.vendor.ladder.0.duration.kind", ["unknown kind 'normal'", "lognormal"]),
        ("incidents.vendor.ladder.0.duration", {"kind": "uniform", "low": 5, "high": 1},
         "incidents.vendor.ladder.0.duration", ["low ≤ high"]),
        ("incidents.vendor.ladder.0.duration", {"kind": "empirical", "values": [1, 2],
                                                "weights": [1]},
         "incidents.vendor.ladder.0.duration", ["weights has 1 entries"]),
        ("incidents.vendor.ladder.0.duration", -1, "incidents.vendor.ladder.0.duration",
         ["≥ 0", "got -1"]),
        ("incidents.vendor.ladder.0.duration", "5 min", "incidents.vendor.ladder.0.duration",
         ["distribution"]),
        ("incidents.vendor.self_clear", {"kind": "exponential", "mean": 0},
         "incidents.vendor.self_clear.mean", ["> 0"]),
        ("incidents.vendor.rate_per_day", {"residentail": 1},
         "incidents.vendor.rate_per_day.residentail", ["did you mean 'residential'"]),
        ("incidents.vendor.hour_profile", [1] * 25, "incidents.vendor.hour_profile",
         ["exactly 24 values", "got 25"]),
        ("incidents.vendor.dow_profile", [0] * 7, "incidents.vendor.dow_profile",
         ["positive weight"]),
        ("incidents.vendor.complaint.probability", float("nan"),
         "incidents.vendor.complaint.probability", ["got nan"]),
        ("incidents.vendor.sla_min", float("inf"), "incidents.vendor.sla_min", ["finite"]),
        ("incidents.vendor.zone_rates", {"A9": 1}, "incidents.vendor.zone_rates.A9",
         ["zone 'A9' is not defined", "did you mean"]),
        ("incidents.Vendor", MINIMAL["incidents"]["vendor"], "incidents.Vendor", ["lower-case"]),
        ("district.grid.rows", 27, "district.grid.rows", ["≤ 26"]),
        ("district.grid.cell_m", float("inf"), "district.grid.cell_m", ["finite"]),
        ("district.grid.patches", {"Z1": {"kind": "market"}}, "district.grid.patches.Z1",
         ["A1 to B2"]),
        ("district.grid", None, "district", ["give `grid`"]),
        ("district.travel.matrix_minutes", {"car": [[0, 1], [1, 0]]},
         "district.travel.matrix_minutes.car", ["expected 4 rows of 4"]),
        ("district.travel.speeds_kmh.foot", 0, "district.travel.speeds_kmh.foot", ["> 0"]),
        ("detection.cameras.zones", ["A1", "Q1"], "detection.cameras.zones",
         ["zone 'Q1' is not defined"]),
        ("detection.cameras.zones", "some", "detection.cameras.zones",
         ["expected a list or one of all", "'some'"]),
        ("detection.cameras.types", ["vendr"], "detection.cameras.types",
         ["did you mean 'vendor'"]),
        ("detection.sight.bike", 0.5, "detection.sight.bike", ["one of foot, ebike, car"]),
        ("dispatch.policy", "closest", "dispatch.policy", ["one of nearest"]),
        ("dispatch.run_cards", {"A1": ["foot-9"]}, "dispatch.run_cards.A1", ["'foot-9'"]),
        ("clock.warmup_days", 7, "clock.warmup_days", ["less than days"]),
        ("clock.start_weekday", "monday", "clock.start_weekday", ["did you mean 'mon'"]),
        ("seed", "abc", "seed", ["whole number"]),
        ("units", None, "units", ["expected a mapping", "nothing"]),
        ("units", {}, "units", ["at least 1", "got 0"]),
        ("incidents", [], "incidents", ["expected a mapping", "empty list"]),
    ],
)
def test_messages_use_yaml_paths_and_say_what_was_expected(dotted, value, path, fragments):
    problems = problems_of(mutated(dotted, value))
    paths = [p for p, _ in problems]
    assert path in paths, problems
    message = dict(problems)[path]
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    for p, m in problems:
        for jargon in ("function-", "literal[", "list[", "Input should", "Value error",
                       "instance of", "[key]", "lognormal.", "fixed.value"):
            assert jargon not in p and jargon not in m, (p, m)


def test_union_noise_is_merged_into_one_problem():
    problems = problems_of(mutated("units.foot.shifts.0.days", "weekdayz"))
    assert len(problems) == 1
    path, message = problems[0]
    assert path == "units.foot.shifts.0.days"
    assert "a list of mon" in message and "one of all, weekdays, weekends" in message


def test_typo_does_not_also_report_the_missing_field():
    data = copy.deepcopy(MINIMAL)
    data["units"]["foot"]["shfits"] = data["units"]["foot"].pop("shifts")
    assert problems_of(data) == [("units.foot.shfits", "unknown field; did you mean 'shifts'?")]


def test_unknown_field_without_a_close_match_lists_the_fields():
    (path, message), = problems_of(mutated("clock.zzz", 1))
    assert path == "clock.zzz"
    assert "days, warmup_days, start_weekday" in message


def test_several_problems_are_all_reported():
    data = mutated("units.foot.count", 0)
    data = set_path(data, "clock.days", "two")
    data = set_path(data, "incidents.vendor.complaint.probability", 2)
    paths = {p for p, _ in problems_of(data)}
    assert {"units.foot.count", "clock.days", "incidents.vendor.complaint.probability"} <= paths


def test_reference_problems_are_all_reported_at_their_paths():
    data = mutated("units.foot.home_zone", "Z1")
    data = set_path(data, "detection.sight_by_type", {"dog": {"foot": 0.5}})
    assert {p for p, _ in problems_of(data)} == {"units.foot.home_zone",
                                                  "detection.sight_by_type.dog"}


def test_absurd_total_demand_is_refused():
    data = mutated("district.grid", {"rows": 20, "cols": 99, "cell_m": 100})
    data = set_path(data, "incidents.vendor.rate_per_day.residential", 5000)
    data = set_path(data, "clock.days", 30)
    (path, message), = problems_of(data)
    assert path == "incidents" and "incidents a day" in message


def test_scenario_error_text():
    error = ScenarioError("plan.yaml", [("units.foot.count", "expected a number ≥ 1, got 0"),
                                        ("", "something general")], note="after merging x")
    assert str(error) == (
        "plan.yaml: invalid scenario (after merging x)\n"
        "  - units.foot.count: expected a number ≥ 1, got 0\n"
        "  - something general"
    )
    assert ScenarioError(None, []).path == "<scenario>"


def test_field_problems_and_unknown_name():
    exc = FieldProblems(("a.b", "bad"), ("", "worse"))
    assert isinstance(exc, ValueError) and exc.problems == [("a.b", "bad"), ("", "worse")]
    assert unknown_name("zone", "A9", ["A1", "B2"]).endswith("did you mean 'A1'?")
    assert unknown_name("zone", "Q", ["A1", "B2"]).endswith("defined: A1, B2")
    assert unknown_name("zone", "Q", []).endswith("none is defined")


def test_scenario_schema_is_the_model():
    schema = Scenario.model_json_schema(by_alias=True)
    assert {"district", "incidents", "units"} <= set(schema["required"])
