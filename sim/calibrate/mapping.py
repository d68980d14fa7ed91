"""The column mapping: which log column holds what, and how log names map to catalog names.

A mapping file (YAML) has ``columns`` (field → header), and optional ``types`` (log type
name → catalog type), ``channels`` (log channel → patrol / camera / complaint / other) and
``zones`` (log grid code → scenario zone id). Two mappings are built in and shipped as
``scenarios/caselog/mapping_en.yaml`` and ``mapping_zh.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

FIELDS = ("case_id", "type", "zone", "reported_at", "channel", "dispatched_at", "arrived_at",
          "closed_at")
REQUIRED = ("type", "zone", "reported_at")
TIME_FIELDS = ("reported_at", "dispatched_at", "arrived_at", "closed_at")
CHANNELS = ("patrol", "camera", "complaint", "other")


class MappingError(Exception):
    """A mapping file that cannot be used; ``str()`` names the file and the field."""


@dataclass(frozen=True)
class Mapping:
    """Field → column header, plus name translations (identity where not listed)."""

    columns: dict[str, str]
    types: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)
    source: str = "<built-in>"


EN = Mapping(
    columns={f: f for f in FIELDS},
    channels={"patrol": "patrol", "camera": "camera", "complaint": "complaint",
              "hotline": "complaint", "other": "other"},
    source="<built-in English mapping>",
)

ZH_TYPES = {
    "流动摊贩": "mobile_vendor", "店外经营": "out_of_store", "占道经营": "out_of_store",
    "机动车乱停放": "illegal_parking", "非机动车乱停放": "ebike_parking",
    "乱堆物料": "random_pile", "违法户外广告": "illegal_ad", "乱张贴": "illegal_ad",
    "乱吊挂": "hanging", "乱涂写": "graffiti", "垃圾未清运": "garbage_overflow",
    "私拉电线": "charging_wire", "无主犬只": "unowned_dog", "车辆带泥上路": "mud_vehicle",
    # common synonyms in other platforms' exports
    "流动商贩": "mobile_vendor", "乱摆卖": "mobile_vendor", "乱停乱放": "illegal_parking",
    "非机动车乱停": "ebike_parking", "乱堆乱放": "random_pile", "小广告": "illegal_ad",
    "违规广告": "illegal_ad", "乱晾晒": "hanging", "涂鸦": "graffiti",
    "暴露垃圾": "garbage_overflow", "飞线充电": "charging_wire", "乱拉电线": "charging_wire",
    "流浪犬": "unowned_dog", "流浪狗": "unowned_dog", "渣土车带泥": "mud_vehicle",
}
ZH_CHANNELS = {
    "巡查发现": "patrol", "视频监控": "camera", "12345热线": "complaint",
    "市民投诉": "complaint", "其他": "other",
    "巡查上报": "patrol", "队员巡查": "patrol", "视频发现": "camera", "视频巡查": "camera",
    "12345": "complaint", "市民热线": "complaint", "公众举报": "complaint",
}
ZH = Mapping(
    columns={"case_id": "案件编号", "type": "案件类型", "zone": "网格编码", "reported_at": "上报时间",
             "channel": "来源", "dispatched_at": "派遣时间", "arrived_at": "到场时间",
             "closed_at": "结案时间"},
    types=ZH_TYPES,
    channels=ZH_CHANNELS,
    source="<built-in Chinese mapping>",
)


def guess_mapping(headers: list[str]) -> Mapping | None:
    """The built-in mapping whose required headers all appear (restricted to the optional
    columns present), or None."""
    found = next((m for m in (EN, ZH) if _fits(m, headers)), None)
    if found is None:
        return None
    return replace(found, columns={f: h for f, h in found.columns.items() if h in headers})


def _fits(mapping: Mapping, headers: list[str]) -> bool:
    """Whether every required field's column is among ``headers``."""
    return all(mapping.columns[f] in headers for f in REQUIRED)


def _str_dict(data: object, where: str, path: Path) -> dict[str, str]:
    """A section of name: name (empty if absent); MappingError naming a bad entry."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MappingError(f"{path}: {where}: expected a mapping of name: name")
    _check_names(data, where, path)
    return {str(k): str(v) for k, v in data.items()}


def _check_names(data: dict, where: str, path: Path) -> None:
    """Every value a name (text or a number)."""
    bad = [k for k, v in data.items() if not isinstance(v, (str, int))]
    if bad:
        raise MappingError(f"{path}: {where}.{bad[0]}: expected a name, got {data[bad[0]]!r}")


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; MappingError on any problem."""
    data = _sections(_load(path), path)
    columns = _columns(data["columns"], path)
    channels = _str_dict(data.get("channels"), "channels", path)
    _check_channels(channels, path)
    return Mapping(
        columns=columns,
        types=_str_dict(data.get("types"), "types", path),
        channels=channels,
        zones=_str_dict(data.get("zones"), "zones", path),
        source=str(path),
    )


def _load(path: Path) -> object:
    """The parsed YAML of a mapping file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: cannot read the mapping file ({exc})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML ({exc})") from None


def _sections(data: object, path: Path) -> dict:
    """The file's sections: ``columns`` (required), ``types``, ``channels``, ``zones``."""
    if not isinstance(data, dict) or "columns" not in data:
        raise MappingError(f"{path}: expected a mapping with a `columns:` section")
    unknown = set(data) - {"columns", "types", "channels", "zones"}
    if unknown:
        raise MappingError(
            f"{path}: unknown section {sorted(unknown)[0]!r}; expected columns, types, "
            "channels, zones")
    return data


def _columns(data: object, path: Path) -> dict[str, str]:
    """Field → log column: known fields only, every required one given."""
    columns = _str_dict(data, "columns", path)
    unknown = [name for name in columns if name not in FIELDS]
    if unknown:
        raise MappingError(
            f"{path}: columns.{unknown[0]}: unknown field; expected one of {', '.join(FIELDS)}")
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise MappingError(f"{path}: columns.{missing[0]}: required (the log column holding it)")
    return columns


def _check_channels(channels: dict[str, str], path: Path) -> None:
    """Every channel maps to one of CHANNELS."""
    for key, value in channels.items():
        if value not in CHANNELS:
            raise MappingError(
                f"{path}: channels.{key}: {value!r} is not one of {', '.join(CHANNELS)}")


def mapping_yaml(mapping: Mapping, header: str) -> str:
    """A mapping as YAML (the shipped example files are written from the built-ins)."""
    body = {"columns": mapping.columns, "types": mapping.types, "channels": mapping.channels,
            "zones": mapping.zones}
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
