#!/usr/bin/env python3
"""Renders the corpus's batch files (corpus/src/<set>/<author>/batch-*.txt, format in WRITING.md) into
real RFC 5322 messages: corpus/<set>/<class>/<id>.eml, and a manifest corpus/<set>/labels.tsv.

The authors write each mail's words; this script only dresses them as mail programs would: MIME
structure (text/plain, text/html alone, multipart/alternative with a text part made from the HTML,
multipart/mixed with attachments), transfer encodings (7bit, 8bit, quoted-printable, base64) and
charsets (UTF-8, ISO-8859-1/15, windows-1252, GBK, GB18030, Big5), RFC 2047 headers, Date and
Message-ID. Every choice is derived from a hash of the mail's id, so a run is reproducible.

    python3 corpus/render.py            # renders every set found under corpus/src/
"""
import hashlib
import html
import io
import re
import sys
import unicodedata
import zipfile
from email.charset import BASE64, QP, Charset
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr, getaddresses
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CLASSES = {"business": "business", "business-hard": "business", "marketing": "marketing",
           "verification-code": "verification-code", "prohibited": "prohibited", "test-mail": "test-mail"}
HEADER_LINE = re.compile(r"^=== *([A-Za-z0-9_-]+) *\| *([a-z-]+) *\| *(text|html) *$")

# (charset, body encoding, weight) per language; an encoding the text does not fit falls back to UTF-8.
ENCODINGS = {
    "en": [("us-ascii", None, 40), ("utf-8", None, 15), ("utf-8", QP, 25), ("utf-8", BASE64, 15), ("iso-8859-1", QP, 5)],
    "de": [("utf-8", None, 25), ("utf-8", QP, 25), ("iso-8859-1", QP, 15), ("iso-8859-15", None, 10),
           ("windows-1252", QP, 10), ("utf-8", BASE64, 15)],
    "zh": [("utf-8", BASE64, 30), ("utf-8", None, 15), ("gbk", BASE64, 20), ("gb18030", None, 10),
           ("gb18030", BASE64, 5), ("big5", BASE64, 15), ("utf-8", QP, 5)],
}


def pick(key: str, salt: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{key}".encode()).digest()[:8], "big") % n


def weighted(key: str, salt: str, options):
    total = sum(o[-1] for o in options)
    roll = pick(key, salt, total)
    for o in options:
        if roll < o[-1]:
            return o
        roll -= o[-1]
    return options[-1]


def parse_batch(path: Path):
    mails, current = [], None
    for raw in path.read_text(encoding="utf-8").splitlines():
        m = HEADER_LINE.match(raw.strip()) if raw.startswith("=== ") else None
        if m:
            current = {"id": m.group(1), "class": m.group(2), "format": m.group(3), "lines": [], "source": path}
            mails.append(current)
        elif raw.startswith("=== ") and "|" in raw:
            raise SystemExit(f"{path}: a mail line that does not follow '=== ID | CLASS | FORMAT': {raw!r}")
        elif current is not None:
            current["lines"].append(raw)
    for mail in mails:
        lines = mail.pop("lines")
        headers = []
        while lines and lines[0].strip() == "":
            lines.pop(0)
        while lines and lines[0].strip() != "":
            line = lines.pop(0)
            if line[:1] in " \t" and headers:
                headers[-1] = (headers[-1][0], headers[-1][1] + " " + line.strip())
            elif ":" in line:
                name, value = line.split(":", 1)
                headers.append((name.strip(), value.strip()))
            else:
                # A body without its separating empty line: keep the line as body text.
                lines.insert(0, line)
                break
        if lines and lines[0].strip() == "":
            lines.pop(0)
        while lines and lines[-1].strip() == "":
            lines.pop()
        mail["headers"] = headers
        mail["body"] = "\n".join(lines) + "\n"
        if mail["class"] not in CLASSES:
            raise SystemExit(f"{path}: {mail['id']} has an unknown class {mail['class']!r}")
    return mails


def html_to_text(markup: str) -> str:
    text = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1\s*>", " ", markup)
    text = re.sub(r"(?i)<\s*br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</\s*(p|div|tr|li|h\d|table)\s*>", "\n", text)
    text = re.sub(r"(?is)<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", text)
    return "\n".join(l.strip() for l in text.strip().splitlines()) + "\n"


def text_part(body: str, subtype: str, lang: str, key: str):
    charset, encoding, _ = weighted(key, "charset", ENCODINGS[lang])
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset, encoding = "utf-8", (BASE64 if lang == "zh" else QP)
    cs = Charset(charset)
    cs.body_encoding = encoding
    cs.header_encoding = encoding or QP
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, cs)
    if encoding is None and charset == "us-ascii":
        del part["Content-Transfer-Encoding"]
        part["Content-Transfer-Encoding"] = "7bit"
    return part, charset


def attachment(name: str):
    ext = name.rsplit(".", 1)[-1].lower()
    if ext == "pdf":
        data = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        part = MIMEApplication(data, "pdf")
    elif ext in ("docx", "xlsx", "pptx", "zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            # A fixed time in the entry: writestr with a name stamps the current time, so each run differed.
            entry = zipfile.ZipInfo("[Content_Types].xml" if ext != "zip" else "readme.txt", date_time=(2025, 1, 1, 0, 0, 0))
            z.writestr(entry, "<Types/>" if ext != "zip" else "files")
        sub = {"docx": "vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xlsx": "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pptx": "vnd.openxmlformats-officedocument.presentationml.presentation", "zip": "zip"}[ext]
        part = MIMEApplication(buffer.getvalue(), sub)
    elif ext in ("png", "jpg", "jpeg", "gif"):
        data = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                             "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
        part = MIMEBase("image", "png" if ext == "png" else "jpeg")
        part.set_payload(data)
        from email import encoders
        encoders.encode_base64(part)
    elif ext == "ics":
        part = MIMENonMultipart("text", "calendar")
        part.set_payload("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:Meeting\nDTSTART:20260310T090000Z\nEND:VEVENT\nEND:VCALENDAR\n", "utf-8")
    elif ext == "csv":
        part = MIMENonMultipart("text", "csv")
        part.set_payload("item;quantity;price\nA-100;4;12.50\nB-220;1;199.00\n", "utf-8")
    else:
        part = MIMEApplication(b"\x00\x01binary", "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name) if not name.isascii() else name)
    return part


def encode_header(value: str, charset: str) -> str:
    if value.isascii():
        return value
    return Header(value, "utf-8" if charset in ("us-ascii",) else charset if _fits(value, charset) else "utf-8").encode()


def _fits(value: str, charset: str) -> bool:
    try:
        value.encode(charset)
        return True
    except UnicodeEncodeError:
        return False


def ascii_address(address: str) -> str:
    """Authors sometimes write umlauts into addresses; mail programs without SMTPUTF8 cannot, so the
    domain becomes its IDNA form and the local part loses its accents."""
    if address.isascii():
        return address
    local, _, domain = address.rpartition("@")
    local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode() or "mail"
    try:
        domain = domain.encode("idna").decode()
    except UnicodeError:
        domain = unicodedata.normalize("NFKD", domain).encode("ascii", "ignore").decode() or "example.com"
    return f"{local}@{domain}"


def encode_addresses(value: str, charset: str) -> str:
    out = []
    for name, address in getaddresses([value]):
        if not address:
            continue
        address = ascii_address(address)
        out.append(formataddr((name, address), charset="utf-8") if name and not name.isascii() else formataddr((name, address)))
    return ", ".join(out) if out else value


def boundary(key, kind):
    return f"=_{kind}_{hashlib.sha1((key + kind).encode()).hexdigest()[:24]}"


def render(mail):
    key, lang = mail["id"], mail["id"].split("-", 1)[0]
    if lang not in ENCODINGS:
        raise SystemExit(f"{mail['source']}: {key} does not start with en-, de- or zh-")
    headers = [(n, v) for n, v in mail["headers"] if n.lower() not in ("date", "message-id", "mime-version", "content-type", "content-transfer-encoding")]
    attachments = [v for n, v in headers if n.lower() == "x-attach"]
    headers = [(n, v) for n, v in headers if n.lower() != "x-attach"]
    body = mail["body"]
    structure = "plain"
    if mail["format"] == "html":
        structure = "html" if pick(key, "structure", 10) < 4 else "alternative"
        html_part, charset = text_part(body, "html", lang, key)
        if structure == "alternative":
            plain, _ = text_part(html_to_text(body), "plain", lang, key)
            # Boundaries from the id too: the library's random ones changed every file on every run.
            root = MIMEMultipart("alternative", boundary=boundary(key, "alternative"))
            root.attach(plain)
            root.attach(html_part)
        else:
            root = html_part
    else:
        root, charset = text_part(body, "plain", lang, key)
    if attachments:
        mixed = MIMEMultipart("mixed", boundary=boundary(key, "mixed"))
        mixed.attach(root)
        for name in attachments:
            mixed.attach(attachment(name))
        root = mixed
        structure += "+attachments"

    message = MIMEMultipart() if False else root
    # Headers in the order mail programs write them, before the MIME headers.
    mime_headers = list(message.items())
    for name in list(message.keys()):
        del message[name]
    start = datetime(2025, 1, 6, 7, 0, tzinfo=timezone.utc)
    date = start + timedelta(minutes=pick(key, "date", 60 * 24 * 700))
    sender_domain = "example.com"
    for name, value in headers:
        if name.lower() == "from":
            found = getaddresses([value])
            if found and "@" in found[0][1]:
                sender_domain = found[0][1].split("@", 1)[1]
    for name, value in headers:
        if name.lower() in ("from", "to", "cc", "reply-to", "bcc"):
            message[name] = encode_addresses(value, charset)
        else:
            message[name] = encode_header(value, charset)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{hashlib.sha1(key.encode()).hexdigest()[:20]}@{sender_domain}>"
    message["MIME-Version"] = "1.0"
    for name, value in mime_headers:
        if name.lower() != "mime-version":
            message[name] = value
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=compat32.clone(linesep="\n", max_line_length=78)).flatten(message)
    cte = next((v for n, v in mime_headers if n.lower() == "content-transfer-encoding"), "multipart")
    return buffer.getvalue(), {"structure": structure, "charset": charset, "encoding": cte}


def main():
    sources = ROOT / "src"
    for set_dir in sorted(p for p in sources.iterdir() if p.is_dir()):
        out = ROOT / set_dir.name
        seen, rows = {}, []
        for batch in sorted(set_dir.glob("*/*.txt")):
            for mail in parse_batch(batch):
                if mail["id"] in seen:
                    raise SystemExit(f"{batch}: the id {mail['id']} is also in {seen[mail['id']]}")
                seen[mail["id"]] = batch
                data, info = render(mail)
                target = out / CLASSES[mail["class"]] / f"{mail['id']}.eml"
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists() or target.read_bytes() != data:
                    target.write_bytes(data)
                rows.append((mail["id"], CLASSES[mail["class"]], "yes" if mail["class"] == "business-hard" else "no",
                             mail["id"].split("-", 1)[0], info["structure"], info["charset"], info["encoding"]))
        # Files whose mail is gone from the sources are removed, so the set is exactly the sources.
        for stale in out.glob("*/*.eml"):
            if stale.stem not in seen:
                stale.unlink()
        out.mkdir(parents=True, exist_ok=True)
        rows.sort()
        with open(out / "labels.tsv", "w", encoding="utf-8") as f:
            f.write("id\tclass\thard\tlanguage\tstructure\tcharset\tencoding\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
        print(f"{set_dir.name}: {len(rows)} messages")


if __name__ == "__main__":
    sys.exit(main())
