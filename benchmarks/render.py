"""Benchmark inputs made on the spot from the seed texts: page images, scans and PDFs.

Nothing is downloaded: the text comes from the seed policies (``DMS_SEEDS_DIR``, default
the repository's ``tests/fixtures/seeds``), drawn with WenQuanYi Zen Hei at 300 dpi and then
degraded the way office copies are (noise; faded, skewed and scanned at 200 dpi). Other
kinds of page (``KINDS``): large text (14-28 pt, slightly turned), a phone's photo of a page
(perspective, uneven light, soft focus, a colour JPEG stating 72 dpi) and mixed sizes (a
headline and a subtitle over 12 pt body text).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from records_dms.common.pdfrender import WQY_ZENHEI, render_text_pdf

ROOT = Path(__file__).resolve().parents[1]
DPI = 300
POOR_DPI = 200
A4_INCHES = (8.27, 11.69)
FONT_PT = 12  # 小四, the usual body size of office documents
MARGIN_INCHES = 0.9
CONDITIONS = ("clean", "noisy", "poor")  # 12 pt office pages, as scanners deliver them
KINDS = ("large", "photo", "mixed")  # pages that are not 12 pt body text on a flatbed
LARGE_PT = (14.0, 16.0, 18.0, 22.0, 28.0)  # one size per large-text page, in turn
PHOTO_DPI = 72  # what phones write into their JPEGs, whatever the page's size in pixels
DIGITAL_TITLE = "客户档案管理制度"


def seeds_dir() -> Path:
    """DMS_SEEDS_DIR, else the repository's own copy (tests/fixtures/seeds)."""
    return Path(os.environ.get("DMS_SEEDS_DIR") or ROOT / "tests" / "fixtures" / "seeds")


def _simplified(line: str) -> bool:
    """Lines tesseract's chi_sim can read: every character in GB2312 (drops traditional text)."""
    try:
        line.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def seed_text(directory: Path | None = None) -> str:
    """All simplified-Chinese seed lines of some substance, as one stream of characters."""
    folder = directory or seeds_dir()
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed texts (*.txt) in {folder}; set DMS_SEEDS_DIR")
    kept = []
    for path in files:
        for raw in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            line = "".join(raw.split())
            if len(line) >= 12 and _simplified(line) and sum(c >= "\u4e00" for c in line) >= 8:
                kept.append(line)
    return "".join(kept)


def font(dpi: int = DPI, pt: float = FONT_PT) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(WQY_ZENHEI), size=round(pt * dpi / 72), index=0)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> Iterator[str]:
    """Cut a character stream into lines no wider than ``width`` pixels."""
    line = ""
    for char in text:
        if line and face.getlength(line + char) > width:
            yield line
            line = ""
        line += char
    if line:
        yield line


def page_texts(pages: int, lines_per_page: int, *, seed: int = 0) -> list[list[str]]:
    """``pages`` pages of ``lines_per_page`` lines each, drawn from the seed text."""
    text = seed_text()
    face = font()
    width = (A4_INCHES[0] - 2 * MARGIN_INCHES) * DPI
    rng = np.random.default_rng(seed)
    result = []
    for _page in range(pages):
        start = int(rng.integers(0, max(1, len(text) - lines_per_page * 80)))
        lines = list(wrap(text[start : start + lines_per_page * 80], face, width))
        result.append(lines[:lines_per_page])
    return result


def render_page(lines: Iterable[str], dpi: int = DPI) -> Image.Image:
    """A clean A4 page (gray, white paper, black ink) with the lines set 1.8 lines apart."""
    return render_blocks([(FONT_PT, list(lines))], dpi)


def render_blocks(blocks: Sequence[tuple[float, Sequence[str]]], dpi: int = DPI) -> Image.Image:
    """A clean A4 page of blocks of lines, each block in its own size (points), 1.8 apart."""
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    x = y = MARGIN_INCHES * dpi
    for pt, lines in blocks:
        face = font(dpi, pt)
        for line in lines:
            draw.text((x, y), line, font=face, fill=0)
            y += face.size * 1.8
    image.info["dpi"] = (dpi, dpi)
    return image


def _lines_at(text: str, start: int, pt: float, count: int) -> list[str]:
    """``count`` lines of ``pt``-point text from ``text[start:]``, as wide as the page allows."""
    face = font(DPI, pt)
    width = (A4_INCHES[0] - 2 * MARGIN_INCHES) * DPI
    per_line = max(1, int(width / face.size))
    return list(wrap(text[start : start + (count + 1) * per_line], face, width))[:count]


def _lines_that_fit(pt: float, spare_inches: float = 0.0) -> int:
    usable = (A4_INCHES[1] - 2 * MARGIN_INCHES - spare_inches) * DPI
    return max(1, int(usable / (round(pt * DPI / 72) * 1.8)))


def large_page(text: str, pt: float, rng: np.random.Generator) -> tuple[Image.Image, str]:
    """A notice or a form in large type, as a clean 300 dpi scan turned by 0.3-1.2°."""
    start = int(rng.integers(0, max(1, len(text) - 2000)))
    lines = _lines_at(text, start, pt, min(20, _lines_that_fit(pt)))
    page = render_blocks([(pt, lines)])
    turn = float(rng.uniform(0.3, 1.2)) * (1 if rng.random() < 0.5 else -1)
    turned = page.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return _with_dpi(turned, DPI), "".join(lines)


def mixed_page(text: str, rng: np.random.Generator) -> tuple[Image.Image, str]:
    """A headline (22-28 pt) and a subtitle (16 pt) over 12 pt body text, then a short line."""
    start = int(rng.integers(0, max(1, len(text) - 3000)))
    headline = text[start : start + int(rng.integers(6, 12))]
    subtitle = text[start + 20 : start + 20 + int(rng.integers(10, 20))]
    body = _lines_at(text, start + 60, FONT_PT, 15)
    signature = text[start + 1500 : start + 1500 + int(rng.integers(4, 9))]
    blocks = [(float(rng.choice([22.0, 26.0, 28.0])), [headline]), (16.0, [subtitle]),
              (FONT_PT, body), (FONT_PT, [signature])]  # fmt: skip
    return render_blocks(blocks), "".join(line for _pt, lines in blocks for line in lines)


def _perspective(
    target: Sequence[tuple[float, float]], source: Sequence[tuple[float, float]]
) -> list[float]:
    """PIL's 8 perspective coefficients mapping output points ``target`` to ``source``."""
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(values))]


def photo(page: Image.Image, *, seed: int = 0) -> Image.Image:
    """A phone's photo of the page on a desk: tilted, unevenly lit, soft, colour, 72 dpi.

    The page fills most of a frame a little larger than itself, its corners moved by up to
    4 % (the phone not held square), lit from one side (the far side at 60-75 % of the
    near one), slightly out of focus, with sensor noise; saved as a colour JPEG (quality 75).
    """
    rng = np.random.default_rng(seed)
    width, height = page.size
    frame = (round(width * 1.1), round(height * 1.08))
    margin_x, margin_y = (frame[0] - width) / 2, (frame[1] - height) / 2
    corners = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
    placed = [
        (margin_x + x + rng.uniform(-0.04, 0.04) * width,
         margin_y + y + rng.uniform(-0.04, 0.04) * height)
        for x, y in corners
    ]  # fmt: skip
    paper = page.convert("L").point(lambda value: 1 + value * 254 // 255)  # 0 marks the desk
    warped = paper.transform(
        frame, Image.Transform.PERSPECTIVE, _perspective(placed, corners),
        resample=Image.Resampling.NEAREST, fillcolor=0,
    )  # fmt: skip
    pixels = np.asarray(warped, dtype=np.float64)
    desk = pixels == 0
    ys, xs = np.mgrid[0 : frame[1], 0 : frame[0]]
    direction = rng.uniform(0, 2 * math.pi)
    along = (xs * math.cos(direction) + ys * math.sin(direction)) / math.hypot(*frame)
    along = (along - along.min()) / max(1e-9, along.max() - along.min())
    light = 1.0 - float(rng.uniform(0.25, 0.4)) * along
    ink, white = 45.0, 215.0  # a phone's exposure: no true black or white
    shaded = (ink + (pixels / 255.0) * (white - ink)) * light
    shaded[desk] = 95.0 * light[desk]  # a darker desk around the page
    shaded += rng.normal(0.0, 4.0, shaded.shape)
    gray = Image.fromarray(np.clip(shaded, 0, 255).astype(np.uint8))
    soft = gray.filter(ImageFilter.GaussianBlur(float(rng.uniform(1.0, 1.6))))
    tint = (1.0, 0.97, 0.9)  # warm indoor light
    colour = Image.merge("RGB", [soft.point(lambda v, k=k: round(v * k)) for k in tint])
    return _with_dpi(colour, PHOTO_DPI)


def noisy(page: Image.Image, *, seed: int = 0) -> Image.Image:
    """A copier's noise: gaussian grain on paper and ink, and dark speckles."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page, dtype=np.float64)
    pixels = pixels + rng.normal(0.0, 40.0, pixels.shape)
    speckles = rng.random(pixels.shape) < 0.004
    pixels[speckles] = rng.uniform(0, 90, int(speckles.sum()))
    return _with_dpi(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), DPI)


def poor(page: Image.Image, *, seed: int = 0, angle: float | None = None) -> Image.Image:
    """An office copy: skewed 1.5-2° (or ``angle``), soft, faded, scanned at 200 dpi."""
    rng = np.random.default_rng(seed)
    turn = float(rng.uniform(1.5, 2.0)) * (1 if rng.random() < 0.5 else -1)
    angle = turn if angle is None else angle
    skewed = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    soft = skewed.filter(ImageFilter.GaussianBlur(1.2))
    scale = POOR_DPI / DPI
    small = soft.resize(
        (round(page.width * scale), round(page.height * scale)), Image.Resampling.BOX
    )
    ink, paper = 125.0, 215.0  # a faded copy: about a third of the full contrast
    pixels = np.asarray(small, dtype=np.float64) / 255.0 * (paper - ink) + ink
    pixels = pixels + rng.normal(0.0, 6.0, pixels.shape)
    return _with_dpi(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), POOR_DPI)


def office(page: Image.Image, *, seed: int = 0) -> Image.Image:
    """An ordinary 300 dpi office scan: off-white paper with a little sensor grain."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page, dtype=np.float64) * 0.88 + 20 + rng.normal(0.0, 3.0, page.size[::-1])
    return _with_dpi(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), DPI)


def degrade(page: Image.Image, condition: str, *, seed: int = 0) -> Image.Image:
    if condition == "clean":
        return page
    if condition == "noisy":
        return noisy(page, seed=seed)
    if condition == "poor":
        return poor(page, seed=seed)
    if condition == "office":
        return office(page, seed=seed)
    raise ValueError(f"unknown condition {condition}")


def _with_dpi(image: Image.Image, dpi: int) -> Image.Image:
    image.info["dpi"] = (dpi, dpi)
    return image


def dpi_of(image: Image.Image) -> int:
    return round(float(image.info.get("dpi", (DPI, DPI))[0]))


@dataclass(frozen=True)
class ScanPage:
    """One page as a scanner delivers it (gray JPEG with its dpi) and the text printed on it.

    Bare Tesseract reads these JPEG bytes from a file and the scanned PDFs embed the very same
    bytes, so every reader starts from identical pixels.
    """

    condition: str
    jpeg: bytes
    dpi: int
    truth: str

    def image(self) -> Image.Image:
        with Image.open(io.BytesIO(self.jpeg)) as decoded:
            decoded.load()
            return _with_dpi(decoded.copy(), self.dpi)


def to_jpeg(image: Image.Image, quality: int = 80) -> bytes:
    buffer = io.BytesIO()
    dpi = dpi_of(image)
    image.save(buffer, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buffer.getvalue()


def scan_page(lines: list[str], condition: str, *, seed: int = 0, quality: int = 80) -> ScanPage:
    image = degrade(render_page(lines), condition, seed=seed)
    return ScanPage(condition, to_jpeg(image, quality), dpi_of(image), "".join(lines))


def kind_pages(kind: str, count: int, *, seed: int = 0) -> list[ScanPage]:
    """``count`` pages of one of ``KINDS``, each with its own text, as JPEGs."""
    text = seed_text()
    pages = []
    for index in range(count):
        rng = np.random.default_rng(seed * 1000 + index)
        if kind == "large":
            image, truth = large_page(text, LARGE_PT[index % len(LARGE_PT)], rng)
        elif kind == "mixed":
            image, truth = mixed_page(text, rng)
        elif kind == "photo":
            start = int(rng.integers(0, max(1, len(text) - 2000)))
            lines = _lines_at(text, start, FONT_PT, 20)
            image, truth = photo(render_page(lines), seed=seed * 1000 + index), "".join(lines)
        else:
            raise ValueError(f"unknown kind {kind}")
        quality = 75 if kind == "photo" else 80
        pages.append(ScanPage(kind, to_jpeg(image, quality), dpi_of(image), truth))
    return pages


def scan_pages(
    count: int, lines_per_page: int, conditions: Iterable[str] = CONDITIONS, *, seed: int = 0
) -> list[ScanPage]:
    """``count`` pages for each condition, each page with its own text."""
    kinds = list(conditions)
    texts = page_texts(count * len(kinds), lines_per_page, seed=seed)
    return [
        scan_page(lines, kinds[index % len(kinds)], seed=seed * 1000 + index)
        for index, lines in enumerate(texts)
    ]


def scanned_pdf(pages: Iterable[ScanPage], target: Path) -> Path:
    """A scanner's PDF: each page one JPEG drawn over the whole page at its own resolution."""
    document = pdfium.PdfDocument.new()
    try:
        for page in pages:
            with Image.open(io.BytesIO(page.jpeg)) as image:
                size = image.size
            width, height = (pixels * 72 / page.dpi for pixels in size)
            pdf_page = document.new_page(width, height)
            picture = pdfium.PdfImage.new(document)
            picture.load_jpeg(io.BytesIO(page.jpeg), inline=True)  # the bytes as they are
            picture.set_matrix(pdfium.PdfMatrix().scale(width, height))
            pdf_page.insert_obj(picture)
            pdf_page.gen_content()
            pdf_page.close()
        document.save(str(target))
    finally:
        document.close()
    return target


def born_digital_pdf(pages: int, target: Path, *, seed: int = 1) -> tuple[Path, list[str]]:
    """A text-layer PDF of ``pages`` pages (one paragraph of seed text each) and its texts."""
    text = seed_text()
    rng = np.random.default_rng(seed)
    paragraphs = []
    for _page in range(pages):
        start = int(rng.integers(0, max(1, len(text) - 700)))
        paragraphs.append(text[start : start + 700])
    target.write_bytes(render_text_pdf(DIGITAL_TITLE, [[p] for p in paragraphs]))
    return target, paragraphs
