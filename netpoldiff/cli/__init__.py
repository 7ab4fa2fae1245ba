"""The command line: click options, output streams, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import click

from netpoldiff import __version__
from netpoldiff.commands import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    DiffFormat,
    FailOn,
    MatrixFailOn,
    MatrixFormat,
    Report,
    Settings,
    Stage,
    diff_command,
    hook_install_command,
    matrix_command,
    post_pr_comment,
    pre_push_command,
)
from netpoldiff.errors import NetpoldiffError, SourceError
from netpoldiff.printable import inert_document, printable

EXIT_INPUT_ERROR: Final = 2
EXIT_INTERNAL_ERROR: Final = 3
# The reader of the report went away (``| head``): what a shell shows for a process that
# SIGPIPE ended. Not 0, since a report nobody read vouches for nothing; never 1, which
# means --fail-on matched.
EXIT_READER_GONE: Final = 128 + 13
DEFAULT_COMMAND: Final = "diff"

F = TypeVar("F", bound=Callable[..., Any])
ColorMode = Literal["auto", "always", "never"]


class _ReaderGone(Exception):  # noqa: N818 - a signal, turned into EXIT_READER_GONE by main()
    """The reader of the output closed it; not an OSError, so click does not exit 1 on it."""


# "A namespace name must be a DNS label" (apimachinery ValidateNamespaceName).
_NAMESPACE_NAME: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_NAMESPACE_NAME_LIMIT: Final = 63


def _namespace_name(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    """Check ``--namespace`` as the API server checks a namespace's name."""
    if len(value) > _NAMESPACE_NAME_LIMIT or not _NAMESPACE_NAME.fullmatch(value):
        msg = (
            f"{value!r} is not a namespace name: it must be a DNS label (at most 63 lowercase "
            "letters, digits and '-', starting and ending with a letter or digit)"
        )
        raise click.BadParameter(msg)
    return value


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


_directory_option = click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False),
    help="Run as if started in this directory.",
)

# Options every analysing command takes, defined once.
_source_options = _options(
    _directory_option,
    click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False),
        help="Write the report to this file instead of standard output.",
    ),
    click.option(
        "--namespace",
        "default_namespace",
        default="default",
        show_default=True,
        callback=_namespace_name,
        help="Namespace of objects that do not name one.",
    ),
    click.option(
        "--keep-going",
        is_flag=True,
        help="Skip unreadable or invalid input and mark the report incomplete.",
    ),
    click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache."),
    click.option(
        "--max-file-size",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_FILE_SIZE,
        show_default=True,
        help="Bytes above which a manifest is refused, checked before reading it.",
    ),
    click.option(
        "--max-total-size",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_TOTAL_SIZE,
        show_default=True,
        help="Bytes above which a source's manifests, all told, are refused.",
    ),
    click.option("--debug", is_flag=True, help="Show the full traceback of an internal error."),
)


_fail_on_option = click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["opened", "closed", "any", "warnings"]),
    multiple=True,
    help="Exit 1 when flows open, close, either, or the input has warnings (repeatable).",
)
_diff_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "dot"]),
    default="text",
    show_default=True,
    help="Report format (dot: a Graphviz graph of the changed flows).",
)
_color_option = click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: on a terminal; NO_COLOR and FORCE_COLOR honoured).",
)


def _settings(context: click.Context) -> Settings:
    """The source options of the running command (defined once in ``_source_options``)."""
    params = context.params
    start = params.get("directory") or (context.obj or {}).get("directory")
    return Settings(
        start=_start_directory(start),
        default_namespace=params.get("default_namespace", "default"),
        keep_going=bool(params.get("keep_going", False)),
        use_cache=not params.get("no_cache", False),
        max_file_size=int(params.get("max_file_size", DEFAULT_MAX_FILE_SIZE)),
        max_total_size=int(params.get("max_total_size", DEFAULT_MAX_TOTAL_SIZE)),
    )


def _start_directory(directory: str | None) -> Path:
    """Where the command runs: ``-C DIR`` made absolute, or the current directory."""
    try:
        return Path(directory).resolve() if directory else Path.cwd()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop (Python 3.11)
        where = f"-C {directory}" if directory else "the current directory"
        msg = f"{where}: cannot be used: {getattr(error, 'strerror', None) or error}"
        raise SourceError(msg) from None


def _use_color(mode: ColorMode, output: str | None) -> bool:
    """Colour only on a terminal: --color, then NO_COLOR / FORCE_COLOR, then isatty."""
    if mode != "auto":
        return mode == "always"
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _write(report: Report, output: str | None, settings: Settings) -> None:
    """Send the report to a file (replaced atomically) or to standard output.

    A relative FILE is relative to where the command runs (``-C DIR`` included). Every
    piece passes ``inert_document``: nothing from the input acts on a terminal or a CI log.
    """
    chunks = inert_document(report.chunks)
    if output is None:
        _to_stdout(chunks)
        return
    if not output:
        msg = "--output: the file name is empty"
        raise SourceError(msg)
    target = settings.start / output
    try:
        if not target.parent.is_dir():
            msg = f"{output}: cannot write the report: no such directory {target.parent}"
            raise SourceError(msg)
        _to_file(chunks, target)
    except BrokenPipeError:
        raise _ReaderGone from None
    except OSError as error:
        # A full disk, a read-only file system, a directory we may not write in: the
        # environment's doing, one line like every other error.
        msg = f"{output}: cannot write the report: {error.strerror or error}"
        raise SourceError(msg) from None


def _to_stdout(chunks: Iterable[str]) -> None:
    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        raise _ReaderGone from None
    except OSError as error:
        _discard_stdout()  # else the interpreter's last flush fails again, with a traceback
        msg = f"cannot write the report to standard output: {error.strerror or error}"
        raise SourceError(msg) from None


def _to_file(chunks: Iterable[str], target: Path) -> None:
    if target.exists() and not target.is_file():
        # /dev/null, a pipe, /dev/stdout: write through, never replace the special file.
        with target.open("w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.writelines(chunks)
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        # The report replaces FILE atomically, through a new file beside it.
        msg = f"cannot create a file in {target.parent}: {error.strerror or error}"
        raise OSError(error.errno, msg) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.writelines(chunks)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it goes nowhere."""
    with contextlib.suppress(OSError, ValueError):  # no file descriptor (captured in tests)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _say(message: str) -> None:
    """The one line netpoldiff writes on stderr: ``netpoldiff: <message>``, input escaped."""
    # Nobody may be reading stderr any more: the exit status still tells.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"netpoldiff: {printable(message)}\n")
        sys.stderr.flush()


def _paths(context: click.Context) -> tuple[str, ...]:
    return tuple((context.obj or {}).get("paths", ()))


class _Interrupted(Exception):  # noqa: N818 - a signal for main(), like _ReaderGone
    """Ctrl-C during a command: one line from main(), not click's blank line and "Aborted!"."""


@contextlib.contextmanager
def _closed_output_ends_the_run() -> Iterator[None]:
    # click answers EPIPE itself with exit status 1, which means --fail-on matched.
    try:
        yield
    except BrokenPipeError:
        raise _ReaderGone from None
    except KeyboardInterrupt:
        raise _Interrupted from None


class _DefaultGroup(click.Group):
    """A group that runs ``diff`` when the first word is not a command: ``netpoldiff A B``."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 - click's own signature
        """Run the command; a closed output ends it as ``_ReaderGone``, never click's exit 1."""
        with _closed_output_ends_the_run():
            return super().invoke(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        position = 0
        while position < len(args) and args[position] == "-C":
            position += 2  # the group's own -C DIR
        rest = args[position:]
        if not rest or (
            rest[0] not in self.commands and rest[0] not in {"--help", "-h", "--version"}
        ):
            args = [*args[:position], DEFAULT_COMMAND, *rest]
        with _closed_output_ends_the_run():  # --help and --version print here
            return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netpoldiff")
@_directory_option
@click.pass_context
def cli(context: click.Context, directory: str | None) -> None:
    """What a change does to who-can-talk-to-whom: Kubernetes NetworkPolicy reachability.

    Without a command, runs diff: "netpoldiff HEAD~1 HEAD", "netpoldiff main...HEAD", or
    "netpoldiff" alone for HEAD against the working tree.
    """
    context.ensure_object(dict)
    if directory:
        context.obj["directory"] = directory


@cli.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--staged", is_flag=True, help="Compare OLD (default HEAD) with the index.")
@_diff_format_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when reachability changed.")
@_fail_on_option
@_color_option
@_source_options
@click.pass_context
def diff(
    context: click.Context,
    /,
    *,
    old: str | None,
    new: str | None,
    staged: bool,
    output_format: DiffFormat,
    exit_code: bool,
    fail_on: Sequence[FailOn],
    color: ColorMode,
    output: str | None,
    **_source_options: object,  # read by _settings(context); --debug by main()
) -> None:
    """Show the flows NEW opens and closes relative to OLD.

    OLD and NEW are git revisions (HEAD~1, a branch, a tag, a sha, A...B for the merge base of
    A and B) or directories / files of manifests. OLD defaults to HEAD and NEW to the working
    tree (tracked files), or the index with --staged. PATHS after -- restrict both sides.
    """
    settings = _settings(context)
    report = diff_command(
        old,
        new,
        _paths(context),
        staged=staged,
        output_format=output_format,
        settings=settings,
        exit_code=exit_code,
        fail_on=fail_on,
        color=_use_color(color, output),
    )
    _write(report, output, settings)
    sys.exit(report.exit_status)


@cli.command("matrix")
@click.argument("source")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["warnings"]),
    multiple=True,
    help="Exit 1 when the input has warnings (or the analysis is incomplete).",
)
@_source_options
@click.pass_context
def matrix(
    context: click.Context,
    /,
    *,
    source: str,
    output_format: MatrixFormat,
    fail_on: Sequence[MatrixFailOn],
    output: str | None,
    **_source_options: object,  # read by _settings(context); --debug by main()
) -> None:
    """Print the reachability matrix of SOURCE (a directory, a file or a git revision).

    PATHS after -- restrict the analysis to those files or folders.
    """
    settings = _settings(context)
    report = matrix_command(
        source,
        _paths(context),
        output_format=output_format,
        settings=settings,
        fail_on=fail_on,
    )
    _write(report, output, settings)
    sys.exit(report.exit_status)


@cli.group("hook")
def hook() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@hook.command("install")
@click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)")
@click.option("--pre-push", "stage", flag_value="pre-push", help="Check pushed commits instead.")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(["opened", "closed", "any", "warnings"]),
    multiple=True,
    default=("opened",),
    show_default=True,
    help="What makes the hook refuse (repeatable).",
)
@click.option("--force", is_flag=True, help="Replace a hook that netpoldiff did not write.")
@_directory_option
@click.pass_context
def hook_install(
    context: click.Context,
    /,
    *,
    stage: Stage,
    fail_on: Sequence[FailOn],
    force: bool,
    **_source_options: object,  # read by _settings(context); --debug by main()
) -> None:
    """Write .git/hooks/pre-commit (or pre-push) to run netpoldiff with --fail-on."""
    arguments = [item for condition in fail_on for item in ("--fail-on", condition)]
    settings = _settings(context)
    target = hook_install_command(stage, arguments, force=force, settings=settings)
    click.echo(f"netpoldiff: installed {target}", err=True)


@hook.command("run")
@click.option("--pre-commit", "stage", flag_value="pre-commit", default=True, help="(default)")
@click.option("--pre-push", "stage", flag_value="pre-push", help="Read git's pre-push input.")
@click.argument("remote", required=False)
@click.argument("url", required=False)
@_diff_format_option
@_fail_on_option
@_color_option
@_source_options
@click.pass_context
def hook_run(
    context: click.Context,
    /,
    *,
    stage: Stage,
    remote: str | None,
    url: str | None,  # noqa: ARG001 - git passes it; the remote name is enough
    output_format: DiffFormat,
    fail_on: Sequence[FailOn],
    color: ColorMode,
    output: str | None,
    **_source_options: object,  # read by _settings(context); --debug by main()
) -> None:
    """What a git hook runs: the staged change (pre-commit) or each pushed ref (pre-push)."""
    settings = _settings(context)
    if stage == "pre-push":
        report = pre_push_command(
            remote or "origin",
            sys.stdin if sys.stdin is not None and not sys.stdin.isatty() else [],
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=_use_color(color, output),
        )
    else:
        report = diff_command(
            None,
            None,
            _paths(context),
            staged=True,
            output_format=output_format,
            settings=settings,
            fail_on=fail_on,
            color=_use_color(color, output),
        )
    _write(report, output, settings)
    if report.exit_status:
        verb = "push" if stage == "pre-push" else "commit"
        conditions = ", ".join(fail_on) or "changes"
        click.echo(
            f"netpoldiff: {verb} refused (--fail-on {conditions}); "
            f"review the report above, or bypass with `git {verb} --no-verify`",
            err=True,
        )
    sys.exit(report.exit_status)


@cli.command("pr-comment")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--repo", "repository", required=True, help="OWNER/NAME of the repository.")
@click.option("--pr", "number", type=click.IntRange(min=1), required=True, help="Pull request.")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Post this Markdown instead of running the diff.",
)
@click.option(
    "--skip-no-change",
    is_flag=True,
    help="Post nothing when nothing changed and there is no earlier comment.",
)
@_fail_on_option
@_source_options
@click.pass_context
def pr_comment(
    context: click.Context,
    /,
    *,
    old: str | None,
    new: str | None,
    repository: str,
    number: int,
    body_file: str | None,
    skip_no_change: bool,
    fail_on: Sequence[FailOn],
    output: str | None,
    **_source_options: object,  # read by _settings(context); --debug by main()
) -> None:
    """Post the Markdown report of OLD..NEW as the pull request's one netpoldiff comment.

    Edits the comment it posted before (found by a hidden marker) instead of adding another.
    Reads GITHUB_TOKEN and GITHUB_API_URL; appends the report to GITHUB_STEP_SUMMARY when set.
    """
    settings = _settings(context)
    if body_file is not None:
        report = Report([_read_body_file(body_file)], 0, changed=True)
    else:
        report = diff_command(
            old, new, _paths(context), output_format="markdown", settings=settings, fail_on=fail_on
        )
    body = "".join(report.chunks)
    _write(Report([body], report.exit_status), output, settings)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_step_summary(summary, body)
    posted = post_pr_comment(
        body,
        repository=repository,
        number=number,
        token=os.environ.get("GITHUB_TOKEN", ""),
        api_url=os.environ.get("GITHUB_API_URL") or None,
        skip_if_new=skip_no_change and not report.changed,
    )
    where = f"{repository}#{number}"
    if posted.action == "skipped":
        _say(f"no change and no earlier comment on {where}: nothing posted")
    else:
        _say(f"{posted.action} comment {posted.comment_id} on {where}")
    sys.exit(report.exit_status)


def _read_body_file(path: str) -> str:
    """The Markdown of ``--body-file``: UTF-8 text, like everything GitHub is sent."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = (
            f"{path}: --body-file is not UTF-8 text "
            f"(byte 0x{error.object[error.start]:02x} at offset {error.start})"
        )
        raise SourceError(msg) from None
    except OSError as error:
        msg = f"{path}: cannot read --body-file: {error.strerror or error}"
        raise SourceError(msg) from None


def _append_step_summary(path: str, body: str) -> None:
    """Add the report to the job summary file GitHub Actions names in GITHUB_STEP_SUMMARY."""
    try:
        with Path(path).open("a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(body)
    except OSError as error:
        msg = f"GITHUB_STEP_SUMMARY {path}: cannot append the report: {error.strerror or error}"
        raise SourceError(msg) from None


def main(argv: Iterable[str] | None = None) -> None:
    """Run the command line; map every failure to one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first "--" is a PATH, never an option or a revision.
    paths: list[str] = []
    if "--" in args:
        split = args.index("--")
        args, paths = args[:split], args[split + 1 :]
    debug = "--debug" in args
    # Names from manifests may not be encodable on this terminal: never fail on printing them.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # A run builds millions of long-lived objects and few cycles: the cyclic collector would
    # spend about as long rescanning them as the run takes, and a run is short.
    gc.disable()
    # Documents may nest MAX_DEPTH levels; building them recurses a few frames per level.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    try:
        cli.main(args=args, prog_name="netpoldiff", standalone_mode=False, obj={"paths": paths})
    except (click.exceptions.Exit, click.ClickException, click.Abort) as error:
        sys.exit(_click_status(error))
    except _ReaderGone:
        # Not an error of ours, and nothing more to say to anyone.
        _discard_stdout()
        sys.exit(EXIT_READER_GONE)
    except _Interrupted:
        if sys.stderr.isatty():
            sys.stderr.write("\n")  # past the ^C the terminal echoed
        _say("interrupted")
        sys.exit(EXIT_INPUT_ERROR)
    except Exception as error:
        if debug:
            raise
        sys.exit(_error_status(error))
    finally:
        gc.enable()


def _error_status(error: Exception) -> int:
    """Say what went wrong in one line; the exit status it gives."""
    if isinstance(error, NetpoldiffError):
        _say(str(error))
        return EXIT_INPUT_ERROR
    if isinstance(error, OSError):
        # The environment failed (a file, a disk, a permission, a name too long), not netpoldiff.
        where = f"{error.filename}: " if error.filename is not None else ""
        _say(f"{where}{error.strerror or error}")
        return EXIT_INPUT_ERROR
    _say(
        f"internal error: {type(error).__name__}: {error} "
        "(run again with --debug for the traceback)"
    )
    return EXIT_INTERNAL_ERROR


def _click_status(error: click.exceptions.Exit | click.ClickException | click.Abort) -> int:
    """Exit status for click's own outcomes: --help/--version, usage errors, Ctrl-C."""
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.UsageError):
        # One line, like every other error: the problem and where to read more.
        command = error.ctx.command_path if error.ctx is not None else "netpoldiff"
        _say(f"{error.format_message()} (see `{command} --help`)")
    elif isinstance(error, click.ClickException):
        _say(error.format_message())
    else:
        _say("aborted")
    return EXIT_INPUT_ERROR
