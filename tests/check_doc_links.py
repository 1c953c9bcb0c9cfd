#!/usr/bin/python3
"""Checks every relative link in the project's Markdown files: the file or folder it names must exist,
and an anchor (#...) must name a heading of that Markdown file, spelled as GitHub spells heading ids.

Usage: check_doc_links.py ROOT [--exclude PATH]...

Every *.md under ROOT is read, except in hidden folders, folders whose name starts with "build" (build
trees) and the paths given with --exclude (relative to ROOT). Links inside fenced code blocks and
inline code are not links and are skipped; links with a scheme (https:, mailto:) are not checked.
Prints one line per broken link (FILE:LINE: what is wrong) and a summary; exits 1 if any link is
broken, 2 on a wrong command line. Uses only Python's standard library (Debian's python3).
"""

import os
import re
import sys
import urllib.parse

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:[^>]*\s)?(?:id|name)=\"([^\"]+)\"")
INLINE_CODE = re.compile(r"(`+)(?:(?!\n[ \t]*\n)[^`]|(?!\1)`+)+?\1")
# [text](target) and ![alt](target), with an optional title; the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
# [label]: target, on a line of its own.
REFERENCE_DEFINITION = re.compile(
    r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?(\S*?)>?(?:[ \t]+\"[^\"\n]*\")?[ \t]*$", re.MULTILINE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
LINE_ANCHOR = re.compile(r"^L\d+(-L\d+)?$")


def without_fences(text):
    """The text with every line of a fenced code block (fences included) made empty, so that line
    numbers stay as they are."""
    lines, fence = [], None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                line = ""
        else:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and line.strip() == match.group(1):
                fence = None
            line = ""
        lines.append(line)
    return "\n".join(lines)


def without_inline_code(text):
    """The text with every code span removed (a span may run over lines within a paragraph); the
    newlines it held are kept."""
    return INLINE_CODE.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def slug(heading):
    """The id GitHub gives a heading: its text as shown, lower case, without punctuation other than
    hyphens and underscores, each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # A link shows its text.
    text = text.replace("`", "").lower()
    kept = "".join(c for c in text if c.isalnum() or c in "-_ ")
    return kept.replace(" ", "-")


ANCHORS = {}  # Markdown file -> the anchors it defines.


def anchors_of(path):
    """The anchors a Markdown file defines: its headings' ids (a repeated one gets -1, -2, ...) and
    explicit <a id="..."> or <a name="...">."""
    if path not in ANCHORS:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        anchors, seen = set(), {}
        for line in without_fences(text).split("\n"):
            heading = ATX_HEADING.match(line)
            if heading:
                base = slug(heading.group(2))
                count = seen.get(base, 0)
                seen[base] = count + 1
                anchors.add(base if count == 0 else f"{base}-{count}")
            anchors.update(HTML_ANCHOR.findall(line))
        ANCHORS[path] = anchors
    return ANCHORS[path]


def check_target(root, source, target):
    """Returns what is wrong with a link from the file source to target, or None if it resolves."""
    if SCHEME.match(target):
        return None
    if target == "":
        return "the link is empty"
    path_part, _, fragment = target.partition("#")
    path_part = urllib.parse.unquote(path_part)
    fragment = urllib.parse.unquote(fragment)
    if path_part == "":
        resolved = source
    elif path_part.startswith("/"):
        resolved = os.path.normpath(os.path.join(root, path_part.lstrip("/")))
    else:
        resolved = os.path.normpath(os.path.join(os.path.dirname(source), path_part))
    shown = os.path.relpath(resolved, root)
    if shown == ".." or shown.startswith(".." + os.sep):
        return f"{shown} is outside the repository"
    if not os.path.exists(resolved):
        return f"{shown} does not exist"
    if "#" not in target:
        return None
    if fragment == "":
        return "the anchor is empty"
    if not resolved.endswith(".md"):
        if LINE_ANCHOR.match(fragment):
            return None
        return f"{shown} is not Markdown, so it has no anchor #{fragment}"
    if fragment not in anchors_of(resolved):
        return f"{shown} has no heading with the anchor #{fragment}"
    return None


def markdown_files(root, excluded):
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            name for name in folders
            if not name.startswith(".") and not name.startswith("build")
            and os.path.normpath(os.path.join(folder, name)) not in excluded)
        for name in sorted(files):
            path = os.path.normpath(os.path.join(folder, name))
            if name.endswith(".md") and path not in excluded:
                yield path


def main(arguments):
    if not arguments or arguments[0].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    root = os.path.normpath(arguments[0])
    excluded = set()
    rest = arguments[1:]
    while rest:
        if rest[0] != "--exclude" or len(rest) < 2:
            print(f"check_doc_links.py: unexpected argument {rest[0]!r}", file=sys.stderr)
            return 2
        excluded.add(os.path.normpath(os.path.join(root, rest[1])))
        rest = rest[2:]
    if not os.path.isdir(root):
        print(f"check_doc_links.py: {root} is not a folder", file=sys.stderr)
        return 2

    files = links = broken = 0
    for path in markdown_files(root, excluded):
        files += 1
        with open(path, encoding="utf-8") as file:
            text = file.read()
        prose = without_inline_code(without_fences(text))
        found = [(match.start(), match.group(1)) for match in INLINE_LINK.finditer(prose)]
        found += [(match.start(1), match.group(1))
                  for match in REFERENCE_DEFINITION.finditer(prose)]
        for offset, target in sorted(found):
            links += 1
            problem = check_target(root, path, target)
            if problem:
                broken += 1
                number = prose.count("\n", 0, offset) + 1
                print(f"{os.path.relpath(path, root)}:{number}: broken link ({target}): {problem}")
    print(f"docs links: {files} files, {links} links checked, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
