"""The learner's own project folder (`projects/my_api`): start it empty, show it, and catch up a lesson skipped.

Nothing here deletes or overwrites a learner's file: an earlier project is moved aside (and the move is printed),
and catching up writes only the files that are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

from lesson_app.config.settings import get_settings

SOLUTIONS = Path(__file__).resolve().parent / "solutions"
LESSONS = range(12, 16)  # the lessons that build the project, each with its folder solutions/after_NN
APPENDED = ".append"
NAME = "my_api"


def project_folder(name: str = NAME) -> Path:
    """Return the folder of the learner's project, `<projects_dir>/<name>` (not created here)."""
    return get_settings().projects_dir / name


def shown(path: Path) -> str:
    """Write a path inside the projects folder as `projects/...`, never as a path of this machine."""
    root = get_settings().projects_dir
    try:
        return "/".join(("projects", *Path(path).resolve().relative_to(root.resolve()).parts))
    except ValueError:
        return Path(path).name


def start_empty(name: str = NAME) -> Path:
    """Return an empty project folder, moving an earlier project of the same name aside (and saying so)."""
    folder = project_folder(name)
    if folder.exists() and any(folder.iterdir()):
        number = 1
        while folder.with_name(f"{name}.old-{number}").exists():
            number += 1
        aside = folder.with_name(f"{name}.old-{number}")
        folder.rename(aside)
        print(
            f"{shown(folder)} held an earlier project: it is now {shown(aside)} (delete it when you no longer "
            "need it), and this lesson starts from an empty folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def tree(folder: Path | None = None) -> None:
    """Print the project's files, indented by depth, skipping caches."""
    folder = Path(folder or os.getcwd())
    print(f"{shown(folder)}/")
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(part in ("__pycache__", ".pytest_cache") for part in parts):
            continue
        print("    " * len(parts) + path.name + ("/" if path.is_dir() else ""))


def solution_files(lesson: int) -> dict[Path, bytes]:
    """Map each file of the project as lesson `lesson` leaves it to its content.

    Each lesson's folder holds only what that lesson adds or changes, so no file is stored twice; `NAME.append`
    holds what a lesson appends to NAME (its `%%writefile -a NAME` cell).
    """
    files: dict[Path, bytes] = {}
    for number in range(LESSONS.start, lesson + 1):
        source = SOLUTIONS / f"after_{number}"
        for path in sorted(source.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(source)
                if relative.suffix == APPENDED:
                    relative = relative.with_suffix("")
                    files[relative] = files[relative] + path.read_bytes()
                else:
                    files[relative] = path.read_bytes()
    return files


def write_solution(lesson: int, folder: Path) -> Path:
    """Write the project as lesson `lesson` leaves it into `folder`, replacing files of the same name."""
    for relative, content in solution_files(lesson).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    return folder


def known_versions() -> dict[Path, set[bytes]]:
    """Map each file to every lesson's solution of it (a learner ahead of a lesson has a later one)."""
    versions: dict[Path, set[bytes]] = {}
    for lesson in LESSONS:
        for relative, content in solution_files(lesson).items():
            versions.setdefault(relative, set()).add(content)
    return versions


def catch_up(lesson: int, name: str = NAME) -> Path:
    """Write the files lesson `lesson` ends with that the project lacks; keep every file the learner has."""
    folder = project_folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []  # files added, and files of the learner's that no lesson's solution has
    versions = known_versions()
    for relative, content in sorted(solution_files(lesson).items()):
        target = folder / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(str(relative))
        elif "versions" not in relative.parts and target.read_bytes() not in versions[relative]:
            kept.append(str(relative))
    if kept:
        verb = "it differs" if len(kept) == 1 else "they differ"
        print(
            f"Kept your own {', '.join(kept)}: {verb} from the lessons' solutions; if a later cell fails on one, "
            "compare it with the same file under lesson_app/teaching/your_project/solutions/."
        )
    if written:
        print(
            f"{shown(folder)} lacked {len(written)} file(s) that lesson {lesson} writes; added from its "
            f"solution: {', '.join(written)}."
        )
    else:
        print(f"{shown(folder)} has every file lesson {lesson} writes: nothing added, nothing changed.")
    return folder
