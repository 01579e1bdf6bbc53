"""(d) The two maps of the dossier (current and proposed units) as one print-quality PDF.

Vector drawing with reportlab: one page per map, A3 (or A4) landscape, title, legend,
scale bar and north arrow. Coordinates are lon/lat, drawn in a local equirectangular
projection true to scale at the centre latitude (error < 0.2% over a province).
"""

from __future__ import annotations

import colorsys
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from hopnhat.apps.plans.dossier.model import MapFeature, MapPage

EARTH_RADIUS_M = 6_371_008.8
SHIPPED_FONTS = Path(__file__).resolve().parents[3] / "data" / "fonts"
# Times New Roman when installed, else the shipped Liberation Serif 2 (metric-compatible). Each
# candidate must carry the Vietnamese precomposed letters: reportlab's built-in Times-Roman and
# Liberation 1.x (Debian's fonts-liberation) stop at Latin Extended-A, so "Bản đồ" printed as
# "B□n đ□" before this check.
_FONT_CANDIDATES = [
    (
        Path("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf"),
        Path("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman_Bold.ttf"),
    ),
    (SHIPPED_FONTS / "LiberationSerif-Regular.ttf", SHIPPED_FONTS / "LiberationSerif-Bold.ttf"),
]
VIETNAMESE_PROBE = "ẢẠẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐƠƯảạấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư"
# A part of the map farther than this share of the main frame's diagonal from it (Bạch Long Vĩ,
# ~110 km offshore) goes into an inset instead of shrinking the whole map to fit it.
OUTLIER_GAP_SHARE = 0.25
INSET_SIZE = 48 * mm


def covers_vietnamese(font: TTFont) -> bool:
    glyphs = font.face.charToGlyph
    return all(ord(letter) in glyphs for letter in VIETNAMESE_PROBE)


def _fonts() -> tuple[str, str]:
    if "HN-Serif" in pdfmetrics.getRegisteredFontNames():
        return "HN-Serif", "HN-Serif-Bold"
    for regular_path, bold_path in _FONT_CANDIDATES:
        if not (regular_path.exists() and bold_path.exists()):
            continue
        regular, bold = (
            TTFont("HN-Serif", str(regular_path)),
            TTFont("HN-Serif-Bold", str(bold_path)),
        )
        if covers_vietnamese(regular) and covers_vietnamese(bold):
            pdfmetrics.registerFont(regular)
            pdfmetrics.registerFont(bold)
            return "HN-Serif", "HN-Serif-Bold"
    raise RuntimeError(f"No serif font with Vietnamese letters: {SHIPPED_FONTS} is incomplete.")


def class_colours(classes: Iterable[str]) -> dict[str, Color]:
    """Distinct pastel fills: golden-ratio hues in the order the classes sort."""
    result = {}
    for index, name in enumerate(sorted(set(classes))):
        hue = (index * 0.618033988749895) % 1.0
        lightness = 0.78 if index % 2 else 0.70
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.55)
        result[name] = Color(red, green, blue)
    return result


def maps_pdf(pages: Sequence[MapPage], *, paper: str = "A3") -> bytes:
    buffer = io.BytesIO()
    size = landscape(A3 if paper == "A3" else A4)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1)
    canvas.setTitle(" / ".join(page.title for page in pages))
    regular, bold = _fonts()
    # One frame for all pages, so that the two maps overlay when printed.
    layout = map_layout([f.geometry for page in pages for f in page.features])
    for page in pages:
        _draw_page(canvas, page, size, layout, regular, bold)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapLayout:
    """The main frame's extent, and the outlying parts drawn in insets at their own scale."""

    main: Bounds
    insets: tuple[Bounds, ...]

    def inset_of(self, geometry: BaseGeometry) -> int | None:
        point = geometry.representative_point()
        for index, (west, south, east, north) in enumerate(self.insets):
            if west <= point.x <= east and south <= point.y <= north:
                return index
        return None


def _gap(a: Bounds, b: Bounds) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return math.hypot(dx, dy)


def _merge(a: Bounds, b: Bounds) -> Bounds:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def map_layout(geometries: Sequence[BaseGeometry]) -> MapLayout:
    """Cluster the drawing by proximity; clusters far from the largest go into insets."""
    clusters: list[Bounds] = []
    for geometry in geometries:
        bounds: Bounds = geometry.bounds
        near = [c for c in clusters if _gap(c, bounds) <= 0.02]  # ~2 km: touching or close
        for cluster in near:
            clusters.remove(cluster)
            bounds = _merge(bounds, cluster)
        clusters.append(bounds)
    clusters.sort(key=lambda c: (c[2] - c[0]) * (c[3] - c[1]), reverse=True)
    main, insets = clusters[0], []
    for cluster in clusters[1:]:
        diagonal = math.hypot(main[2] - main[0], main[3] - main[1])
        if _gap(main, cluster) > OUTLIER_GAP_SHARE * diagonal:
            insets.append(cluster)
        else:
            main = _merge(main, cluster)
    return MapLayout(main=main, insets=tuple(insets))


class _Frame:
    def __init__(
        self, bounds: tuple[float, float, float, float], box: tuple[float, float, float, float]
    ):
        west, south, east, north = bounds
        self.lat0 = math.radians((south + north) / 2)
        self.x0, self.y0 = self._metres(west, south)
        x1, y1 = self._metres(east, north)
        left, bottom, width, height = box
        self.scale = min(width / max(x1 - self.x0, 1.0), height / max(y1 - self.y0, 1.0))  # pt/m
        self.left = left + (width - (x1 - self.x0) * self.scale) / 2
        self.bottom = bottom + (height - (y1 - self.y0) * self.scale) / 2

    def _metres(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            EARTH_RADIUS_M * math.radians(lon) * math.cos(self.lat0),
            EARTH_RADIUS_M * math.radians(lat),
        )

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._metres(lon, lat)
        return self.left + (x - self.x0) * self.scale, self.bottom + (y - self.y0) * self.scale


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [g for part in getattr(geometry, "geoms", []) for g in _polygons(part)]


def _path(canvas: Canvas, frame: _Frame, geometry: BaseGeometry):  # type: ignore[no-untyped-def]
    path = canvas.beginPath()
    for polygon in _polygons(geometry):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [frame.point(x, y) for x, y in ring.coords]
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
            path.close()
    return path


def _draw_page(
    canvas: Canvas,
    page: MapPage,
    size: tuple[float, float],
    layout: MapLayout,
    regular: str,
    bold: str,
) -> None:
    width, height = size
    margin = 12 * mm
    legend_width = 75 * mm
    canvas.setFont(bold, 20)
    canvas.drawCentredString(width / 2, height - margin - 6 * mm, page.title)
    if page.subtitle:
        canvas.setFont(regular, 12)
        canvas.drawCentredString(width / 2, height - margin - 13 * mm, page.subtitle)
    box = (
        margin,
        margin + 14 * mm,
        width - 2 * margin - legend_width,
        height - 2 * margin - 34 * mm,
    )
    frame = _Frame(layout.main, box)
    colours = class_colours(f.fill_class for f in page.features)
    placement = {id(f): layout.inset_of(f.geometry) for f in page.features}
    main_features = [f for f in page.features if placement[id(f)] is None]
    label_size = 5.5 if len(page.features) > 150 else 7
    _draw_features(canvas, frame, main_features, page.boundaries, colours, regular, label_size)

    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)
    canvas.rect(box[0], box[1], box[2], box[3], stroke=1, fill=0)
    taken = [_projected(frame, f.geometry) for f in main_features]
    for index, bounds in enumerate(layout.insets):
        inset_features = [f for f in page.features if placement[id(f)] == index]
        corner = _emptiest_corner(box, taken, index)
        taken.append(corner)
        _draw_inset(canvas, bounds, corner, inset_features, colours, regular, label_size)
    _legend(
        canvas,
        colours,
        (width - margin - legend_width + 4 * mm, height - margin - 24 * mm),
        regular,
        bold,
        box[1],
    )
    _scale_bar(canvas, frame, (box[0] + 6 * mm, box[1] - 10 * mm), regular)
    _north_arrow(canvas, (box[0] + box[2] - 14 * mm, box[1] + box[3] - 24 * mm), bold)


def _draw_features(
    canvas: Canvas,
    frame: _Frame,
    features: Sequence[MapFeature],
    boundaries: Sequence[BaseGeometry],
    colours: dict[str, Color],
    regular: str,
    label_size: float,
) -> None:
    canvas.setLineWidth(0.35)
    canvas.setStrokeColor(Color(0.25, 0.25, 0.25))
    for feature in features:
        canvas.setFillColor(colours[feature.fill_class])
        canvas.drawPath(_path(canvas, frame, feature.geometry), stroke=1, fill=1, fillMode=0)
    canvas.setLineWidth(1.2)
    canvas.setStrokeColor(black)
    for boundary in boundaries:
        canvas.drawPath(_path(canvas, frame, boundary), stroke=1, fill=0)
    canvas.setFont(regular, label_size)
    canvas.setFillColor(black)
    for feature in features:
        point = feature.geometry.representative_point()
        x, y = frame.point(point.x, point.y)
        canvas.drawCentredString(x, y - label_size / 3, feature.label)


Rect = tuple[float, float, float, float]  # left, bottom, width, height in points


def _projected(frame: _Frame, geometry: BaseGeometry) -> Rect:
    west, south, east, north = geometry.bounds
    left, bottom = frame.point(west, south)
    right, top = frame.point(east, north)
    return (left, bottom, right - left, top - bottom)


def _overlap(a: Rect, b: Rect) -> float:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    dy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(dx, 0.0) * max(dy, 0.0)


def _emptiest_corner(box: Rect, taken: Sequence[Rect], index: int) -> Rect:
    """The corner of the map frame where an inset hides the least of the drawing."""
    pad = 3 * mm
    left, bottom, width, height = box
    xs = (left + width - INSET_SIZE - pad, left + pad)
    # The top-right corner holds the north arrow.
    corners = [(x, bottom + pad) for x in xs] + [(left + pad, bottom + height - INSET_SIZE - pad)]
    rects = [(x, y, INSET_SIZE, INSET_SIZE) for x, y in corners]
    return min(rects, key=lambda r: (sum(_overlap(r, t) for t in taken), rects.index(r)))


def _draw_inset(
    canvas: Canvas,
    bounds: Bounds,
    rect: Rect,
    features: Sequence[MapFeature],
    colours: dict[str, Color],
    regular: str,
    label_size: float,
) -> None:
    left, bottom, width, height = rect
    canvas.setFillColor(white)
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.8)
    canvas.rect(left, bottom, width, height, stroke=1, fill=1)
    caption_height = 6 * mm
    # Pad the extent so a small island is not drawn edge to edge.
    west, south, east, north = bounds
    pad = max(east - west, north - south) * 0.15 + 0.002
    frame = _Frame(
        (west - pad, south - pad, east + pad, north + pad),
        (left + 2 * mm, bottom + caption_height, width - 4 * mm, height - caption_height - 2 * mm),
    )
    _draw_features(canvas, frame, features, (), colours, regular, label_size + 1)
    canvas.setFont(regular, 7)
    canvas.setFillColor(black)
    canvas.drawCentredString(left + width / 2, bottom + 2 * mm, scale_text(frame))


def _legend(
    canvas: Canvas,
    colours: dict[str, Color],
    top_left: tuple[float, float],
    regular: str,
    bold: str,
    floor: float,
) -> None:
    x, y = top_left
    canvas.setFont(bold, 12)
    canvas.setFillColor(black)
    canvas.drawString(x, y, "CHÚ GIẢI")
    entries = list(colours.items())
    rows_fit = max(1, int((y - floor - 8 * mm) // (4.2 * mm)))
    columns = max(1, math.ceil(len(entries) / rows_fit))
    size = 8 if columns == 1 else 5.5
    column_width = 70 * mm / columns
    canvas.setFont(regular, size)
    for index, (name, colour) in enumerate(entries):
        column, row = divmod(index, rows_fit)
        left = x + column * column_width
        top = y - 7 * mm - row * 4.2 * mm
        canvas.setFillColor(colour)
        canvas.setStrokeColor(Color(0.25, 0.25, 0.25))
        canvas.rect(left, top, 5 * mm, 3 * mm, stroke=1, fill=1)
        canvas.setFillColor(black)
        canvas.drawString(left + 6.5 * mm, top + 0.6 * mm, name)


def nice_length_m(target_m: float) -> float:
    """The largest 1, 2 or 5 × 10^k metres not above the target."""
    exponent = 10 ** math.floor(math.log10(target_m))
    return max(step * exponent for step in (1, 2, 5) if step * exponent <= target_m)


def _scale_bar(canvas: Canvas, frame: _Frame, origin: tuple[float, float], regular: str) -> None:
    metres = nice_length_m(60 * mm / frame.scale)
    length = metres * frame.scale
    x, y = origin
    for index in range(4):
        canvas.setFillColor(black if index % 2 == 0 else white)
        canvas.rect(x + index * length / 4, y, length / 4, 2 * mm, stroke=1, fill=1)
    canvas.setFillColor(black)
    canvas.setFont(regular, 9)
    canvas.drawString(x, y - 4 * mm, "0")
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    canvas.drawRightString(x + length, y - 4 * mm, label)
    canvas.drawString(x + length + 6 * mm, y, scale_text(frame))


def scale_text(frame: _Frame) -> str:
    ratio = round(1 / (frame.scale / (72 / 0.0254)))  # metres on the ground per metre of paper
    return f"Tỷ lệ 1:{ratio:,}".replace(",", ".")


def _north_arrow(canvas: Canvas, origin: tuple[float, float], bold: str) -> None:
    x, y = origin
    canvas.setFillColor(black)
    canvas.setStrokeColor(black)
    path = canvas.beginPath()
    path.moveTo(x, y + 14 * mm)
    path.lineTo(x - 4 * mm, y)
    path.lineTo(x, y + 4 * mm)
    path.lineTo(x + 4 * mm, y)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFont(bold, 12)
    canvas.drawCentredString(x, y + 16 * mm, "B")  # Bắc
