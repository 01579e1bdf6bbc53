"""VN-2000, the national reference system of Vietnam, as land offices use it.

Sources:
- QĐ 83/2000/QĐ-TTg adopts VN-2000 (WGS 84 ellipsoid, its own datum "Vietnam 2000").
- Thông tư 973/2001/TT-TCĐC sets the provincial 3° Transverse Mercator ("TM-3") zones for
  cadastral maps: scale factor k = 0.9999, false easting 500 000 m, false northing 0, latitude
  of origin 0, and one central meridian per province (its appendix).
- QĐ 05/2007/QĐ-BTNMT publishes the seven VN-2000 → WGS 84 Helmert parameters. PROJ's database
  already carries them as EPSG transformation "VN-2000 to WGS 84 (2)" (coordinate-frame
  rotation), and EPSG:4756 itself is a plain geographic CRS on the WGS 84 ellipsoid with no
  TOWGS84; any CRS built on EPSG:4756's datum gets that transformation automatically, so we
  build on it instead of writing +towgs84 by hand. Beware the popular proj4 string
  "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,
  0.252906278": +towgs84 is position-vector, so those rotation signs turn the other way from
  EPSG's and land about 0.7 m away in Hải Phòng (see the tests). Areas are unaffected.

The central meridians below are those the EPSG dataset attaches to its "VN-2000 / TM-3 dd-mm"
CRSs (EPSG:5899, 9205–9218, area-of-use province lists), which agree with the TT 973 appendix;
the provinces at 105°00' and 108°00' share the CM of the EPSG 3° zones 482/491 and are listed
from the TT 973 appendix alone. Keys are the pre-2025 province codes: after the 2025 mergers
land offices keep using the old province's zone for the old territory.
"""

from __future__ import annotations

from pyproj import CRS
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

VN2000_GEOGRAPHIC = "EPSG:4756"
VN2000_UTM_48N = "EPSG:3405"
VN2000_UTM_49N = "EPSG:3406"
VN2000_HELMERT_QD05_2007 = (
    -191.90441429,
    -39.30318279,
    -111.45032835,
    -0.00928836,
    0.01975479,
    -0.00427372,
    0.252906278,
)
TM3_SCALE_FACTOR = 0.9999
TM3_FALSE_EASTING = 500_000.0


def dm(degrees: int, minutes: int) -> float:
    return degrees + minutes / 60


# Pre-2025 province code → (name, central meridian in decimal degrees).
TM3_CENTRAL_MERIDIANS: dict[str, tuple[str, float]] = {
    "01": ("Hà Nội", dm(105, 0)),
    "02": ("Hà Giang", dm(105, 30)),
    "04": ("Cao Bằng", dm(105, 45)),
    "06": ("Bắc Kạn", dm(106, 30)),
    "08": ("Tuyên Quang", dm(106, 0)),
    "10": ("Lào Cai", dm(104, 45)),
    "11": ("Điện Biên", dm(103, 0)),
    "12": ("Lai Châu", dm(103, 0)),
    "14": ("Sơn La", dm(104, 0)),
    "15": ("Yên Bái", dm(104, 45)),
    "17": ("Hòa Bình", dm(106, 0)),
    "19": ("Thái Nguyên", dm(106, 30)),
    "20": ("Lạng Sơn", dm(107, 15)),
    "22": ("Quảng Ninh", dm(107, 45)),
    "24": ("Bắc Giang", dm(107, 0)),
    "25": ("Phú Thọ", dm(104, 45)),
    "26": ("Vĩnh Phúc", dm(105, 0)),
    "27": ("Bắc Ninh", dm(105, 30)),
    "30": ("Hải Dương", dm(105, 30)),
    "31": ("Hải Phòng", dm(105, 45)),
    "33": ("Hưng Yên", dm(105, 30)),
    "34": ("Thái Bình", dm(105, 30)),
    "35": ("Hà Nam", dm(105, 0)),
    "36": ("Nam Định", dm(105, 30)),
    "37": ("Ninh Bình", dm(105, 0)),
    "38": ("Thanh Hóa", dm(105, 0)),
    "40": ("Nghệ An", dm(104, 45)),
    "42": ("Hà Tĩnh", dm(105, 30)),
    "44": ("Quảng Bình", dm(106, 0)),
    "45": ("Quảng Trị", dm(106, 15)),
    "46": ("Thừa Thiên Huế", dm(107, 0)),
    "48": ("Đà Nẵng", dm(107, 45)),
    "49": ("Quảng Nam", dm(107, 45)),
    "51": ("Quảng Ngãi", dm(108, 0)),
    "52": ("Bình Định", dm(108, 15)),
    "54": ("Phú Yên", dm(108, 30)),
    "56": ("Khánh Hòa", dm(108, 15)),
    "58": ("Ninh Thuận", dm(108, 15)),
    "60": ("Bình Thuận", dm(108, 30)),
    "62": ("Kon Tum", dm(107, 30)),
    "64": ("Gia Lai", dm(108, 30)),
    "66": ("Đắk Lắk", dm(108, 30)),
    "67": ("Đắk Nông", dm(108, 30)),
    "68": ("Lâm Đồng", dm(107, 45)),
    "70": ("Bình Phước", dm(106, 15)),
    "72": ("Tây Ninh", dm(105, 30)),
    "74": ("Bình Dương", dm(105, 45)),
    "75": ("Đồng Nai", dm(107, 45)),
    "77": ("Bà Rịa - Vũng Tàu", dm(107, 45)),
    "79": ("Hồ Chí Minh", dm(105, 45)),
    "80": ("Long An", dm(105, 45)),
    "82": ("Tiền Giang", dm(105, 45)),
    "83": ("Bến Tre", dm(105, 45)),
    "84": ("Trà Vinh", dm(105, 30)),
    "86": ("Vĩnh Long", dm(105, 30)),
    "87": ("Đồng Tháp", dm(105, 0)),
    "89": ("An Giang", dm(104, 45)),
    "91": ("Kiên Giang", dm(104, 30)),
    "92": ("Cần Thơ", dm(105, 0)),
    "93": ("Hậu Giang", dm(105, 0)),
    "94": ("Sóc Trăng", dm(105, 30)),
    "95": ("Bạc Liêu", dm(105, 0)),
    "96": ("Cà Mau", dm(104, 30)),
}

# EPSG codes for the TM-3 CRSs whose central meridian EPSG defines (k = 0.9999, FE 500 000).
_EPSG_TM3 = {
    102.0: 5896,
    105.0: 5897,
    108.0: 5898,
    107.75: 5899,
    103.0: 9205,
    104.0: 9206,
    104.5: 9207,
    104.75: 9208,
    105.5: 9209,
    105.75: 9210,
    106.0: 9211,
    106.25: 9212,
    106.5: 9213,
    107.0: 9214,
    107.25: 9215,
    107.5: 9216,
    108.25: 9217,
    108.5: 9218,
}


def format_meridian(central_meridian: float) -> str:
    """105.75 → "105-45", the way EPSG and land offices name TM-3 zones."""
    minutes_total = round(central_meridian * 60)
    return f"{minutes_total // 60}-{minutes_total % 60:02d}"


def vn2000_tm3_crs(central_meridian: float) -> CRS:
    """The "VN-2000 / TM-3" CRS for any central meridian (degrees east).

    The EPSG CRS when EPSG defines that meridian (so exported .prj files name it), else the
    same definition built on EPSG:4756, which carries the QĐ 05/2007 datum shift.
    """
    cm = round(central_meridian * 3600) / 3600  # to the second: 105°45' parsed from text
    code = _EPSG_TM3.get(round(cm, 6))
    if code is not None:
        return CRS.from_epsg(code)
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=0.0,
        longitude_natural_origin=cm,
        false_easting=TM3_FALSE_EASTING,
        false_northing=0.0,
        scale_factor_natural_origin=TM3_SCALE_FACTOR,
    )
    name = f"VN-2000 / TM-3 {format_meridian(cm)}"
    return ProjectedCRS(conversion=conversion, geodetic_crs=CRS(VN2000_GEOGRAPHIC), name=name)


def province_tm3_crs(province_code: str) -> CRS:
    """The TM-3 CRS of a (pre-2025) province, e.g. "31" → VN-2000 / TM-3 105-45 (Hải Phòng)."""
    try:
        _name, cm = TM3_CENTRAL_MERIDIANS[province_code]
    except KeyError:
        raise KeyError(
            f"no TM-3 central meridian known for province code {province_code!r}"
        ) from None
    return vn2000_tm3_crs(cm)


def tm3_central_meridian(crs: CRS) -> float | None:
    """The central meridian if `crs` is a VN-2000 TM-3 zone, else None.

    Recognised by its parameters (Transverse Mercator, k 0.9999, FE 500 000, FN 0, origin on the
    equator, WGS 84 ellipsoid, meridian within Vietnam) and a VN-2000 datum, or a name saying
    VN-2000 over a datum a tool mislabelled (exports that write D_WGS_1984 are common).
    """
    if crs.is_bound:
        crs = crs.source_crs  # type: ignore[assignment]
    if not crs.is_projected or crs.coordinate_operation is None:
        return None
    op = crs.coordinate_operation
    if "transverse mercator" not in op.method_name.lower():
        return None
    params = {p.name.lower(): float(p.value) for p in op.params if _is_number(p.value)}
    cm = params.get("longitude of natural origin")
    looks_tm3 = (
        cm is not None
        and 102.0 <= cm <= 110.0
        and abs(params.get("scale factor at natural origin", 0) - TM3_SCALE_FACTOR) < 1e-9
        and abs(params.get("false easting", 0) - TM3_FALSE_EASTING) < 1e-6
        and abs(params.get("false northing", 1)) < 1e-6
        and abs(params.get("latitude of natural origin", 1)) < 1e-9
        and crs.ellipsoid is not None
        and abs(crs.ellipsoid.semi_major_metre - 6378137.0) < 1e-3
    )
    if not looks_tm3:
        return None
    return float(cm) if _says_vn2000(crs) else None  # type: ignore[arg-type]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float)


def _says_vn2000(crs: CRS) -> bool:
    datum = crs.datum.name if crs.datum is not None else ""
    names = f"{crs.name} {datum}".lower().replace("_", "").replace("-", "").replace(" ", "")
    return "vietnam2000" in names or "vn2000" in names
