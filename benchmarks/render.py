"""Benchmark inputs made on the spot from the seed texts: page images, scans and PDFs.

Nothing is downloaded: the text comes from the seed policies (``DMS_SEEDS_DIR``, default
the repository's ``tests/fixtures/seeds``), drawn with WenQuanYi Zen Hei at 300 dpi and then
degraded the way office copies are (noise; faded, skewed and scanned at 200 dpi).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
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
CONDITIONS = ("clean", "noisy", "poor")
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


def font(dpi: int = DPI) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(WQY_ZENHEI), size=round(FONT_PT * dpi / 72), index=0)


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
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    face = font(dpi)
    step = face.size * 1.8
    x = y = MARGIN_INCHES * dpi
    for line in lines:
        draw.text((x, y), line, font=face, fill=0)
        y += step
    image.info["dpi"] = (dpi, dpi)
    return image


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
