"""The `devzone` command line.

Exit 0 on success; a user mistake prints one line on stderr and exits 2 (never a traceback).
Commands that need no database (evaluate, intake) do not set Django up at all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

USER_ERROR = 2


class CliError(Exception):
    """A mistake in what the user asked for; its message is printed as it is."""


# --- set-up ---------------------------------------------------------------------------------------------

def data_dir() -> Path:
    return Path(os.environ.get("DEVZONE_DATA_DIR", "var")).resolve()


def ensure_local_env() -> Path:
    """For a local demo: write DATA_DIR/local.env with a random secret key and plain-HTTP cookies, once."""
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    env_file = directory / "local.env"
    if not env_file.exists():
        env_file.write_text(
            "# Written by `devzone demo` for a local demo on http://127.0.0.1; production sets real variables.\n"
            f"DEVZONE_SECRET_KEY={secrets.token_urlsafe(48)}\nDEVZONE_HTTPS=0\n",
            encoding="utf-8",
        )
        env_file.chmod(0o600)
    return env_file


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devzone.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"配置错误:{exc}") from exc


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


# --- commands -------------------------------------------------------------------------------------------

def cmd_demo(args: argparse.Namespace) -> int:
    if args.scale < 1:
        raise CliError("--scale 必须是不小于 1 的整数")
    ensure_local_env()
    setup_django()
    print("正在初始化数据库…", flush=True)
    migrate()
    from devzone.demo.loader import demo_load

    report = demo_load(scale=args.scale, progress=lambda msg: print(msg, flush=True))
    print(report.text())
    if args.no_serve:
        return 0
    return serve(host="127.0.0.1", port=args.port, workers=2)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    return serve(host=args.host, port=args.port, workers=args.workers)


def serve(*, host: str, port: int, workers: int) -> int:
    """Serve the site with gunicorn (static files through WhiteNoise)."""
    from gunicorn.app.base import BaseApplication

    from devzone.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    print(f"devzone 已启动:http://{host}:{port}/  (Ctrl+C 退出)", flush=True)
    Server().run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background jobs (django-tasks database backend); first fail the jobs a dead worker left behind."""
    setup_django()
    from django.core.management import call_command

    from devzone.core.jobs import jobs_recover_stale

    recovered = jobs_recover_stale()
    if recovered:
        print(f"已将 {recovered} 个中断的作业标记为失败(可在页面上重试)", flush=True)
    call_command("db_worker", batch=args.batch, interval=args.interval, startup_delay=not args.batch,
                 verbosity=1)
    return 0


def cmd_scheduled(args: argparse.Namespace) -> int:
    """The scheduled jobs cron runs: dispatch escalation (hourly), recurring tasks, lead rules and the overdue
    policy-payment sweep (daily)."""
    setup_django()
    from django.core.management import call_command

    commands = {"escalate": ("dispatch_escalate", ["--now", args.at] if args.at else []),
                "recurring": ("dispatch_recurring", ["--today", args.at] if args.at else []),
                "lead-rules": ("attraction_rules", ["--date", args.at] if args.at else []),
                "policy-overdue": ("policy_overdue", ["--today", args.at] if args.at else [])}
    name, extra = commands[args.job]
    call_command(name, *extra)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    migrate(verbosity=1)
    return 0


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("createsuperuser")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.core.models import User
    from devzone.core.services import api_token_create

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        raise CliError(f"用户 {args.username} 不存在或已停用")
    if args.days is not None and args.days < 1:
        raise CliError("--days 必须是正整数")
    _token, raw = api_token_create(actor=None, user=user, name=args.name, days=args.days)
    print(raw)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.core.audit import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"审计链完整:共 {report.checked} 条事件")
        return 0
    print(f"审计链被破坏:{report.reason}(事件 #{report.broken_seq})", file=sys.stderr)
    return USER_ERROR


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.core.deploycheck import deploy_findings

    findings = deploy_findings() if args.deploy else []
    if not args.deploy:
        from django.core.management import call_command

        call_command("check")
        return 0
    for finding in findings:
        print(f"[{finding.level}] {finding.message}")
    errors = [f for f in findings if f.level == "错误"]
    if errors:
        print(f"devzone: 发现 {len(errors)} 项不安全的生产配置", file=sys.stderr)
        return USER_ERROR
    print("生产配置检查通过" + (f"({len(findings)} 项警告)" if findings else ""))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.core.backup import backup

    print(backup(args.file).text())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.core.backup import restore

    if not Path(args.file).is_file():
        raise CliError(f"找不到备份文件:{args.file}")
    migrate()
    tables = restore(args.file)
    rows = sum(t["rows"] for t in tables.values())
    print(f"已恢复 {len(tables)} 张表共 {rows:,} 行,逐表校验和一致")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.intake.cli import import_command

    print(import_command(args.kind, args.file, username=args.user, dry_run=args.dry_run, mode=args.mode))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.intake.cli import export_command

    print(export_command(args.kind, args.file, username=args.user))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from devzone.evaluation.cli import evaluate_command
    from devzone.evaluation.engine import EvaluationInputError

    try:
        print(evaluate_command(args.scheme, args.input, args.output, group_by=args.group_by,
                               sensitivity=args.sensitivity))
    except EvaluationInputError as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    from devzone.intake.speech import IntakeInputError
    from devzone.intake.speech.cli import intake_command

    try:
        print(intake_command(args.file, meeting_date=args.meeting_date, as_json=args.json))
    except IntakeInputError as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_bulletin(args: argparse.Namespace) -> int:
    setup_django()
    from devzone.reports.cli import bulletin_command

    print(bulletin_command(period=args.period, kind=args.kind, fmt=args.format, out=args.out, username=args.user,
                           issued_on=args.issued_on))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["devzone manage", *args.rest])
    return 0


# --- parser ---------------------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为整数:{text}") from exc
    return value


class OneLineParser(argparse.ArgumentParser):
    """Argument mistakes print one line and exit 2; sub-parsers inherit this class."""

    def error(self, message: str):  # type: ignore[override]
        print(f"devzone: 参数错误:{message}", file=sys.stderr)
        sys.exit(USER_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="devzone", description="devzone 开发区与重点项目管理平台")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="初始化数据库、载入演示数据并启动 (http://127.0.0.1:8000)")
    p.add_argument("--scale", type=_positive_int, default=1, help="数据规模倍数 (默认 1)")
    p.add_argument("--no-serve", action="store_true", help="只载入数据,不启动服务")
    p.add_argument("--port", type=_positive_int, default=8000)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="启动网站")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_positive_int, default=8000)
    p.add_argument("--workers", type=_positive_int, default=2)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="运行后台作业(导入、评价、通报生成)")
    p.add_argument("--batch", action="store_true", help="处理完队列中的作业后退出")
    p.add_argument("--interval", type=float, default=1.0, help="轮询间隔(秒)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("run", help="运行定时作业:escalate(督办升级)、recurring(周期任务)、lead-rules(招商五项制度)、"
                                   "policy-overdue(政策兑现逾期生成督办问题)")
    p.add_argument("job", choices=["escalate", "recurring", "lead-rules", "policy-overdue"])
    p.add_argument("--at", default=None, help="按指定时间/日期运行(默认当前)")
    p.set_defaults(func=cmd_scheduled)

    sub.add_parser("migrate", help="创建或升级数据库结构").set_defaults(func=cmd_migrate)
    sub.add_parser("createsuperuser", help="创建系统管理员").set_defaults(func=cmd_createsuperuser)

    token = sub.add_parser("token", help="API 令牌").add_subparsers(dest="token_command", required=True)
    p = token.add_parser("create", help="为用户创建 API 令牌(只显示一次)")
    p.add_argument("username")
    p.add_argument("--name", default="cli")
    p.add_argument("--days", type=_positive_int, default=365, help="有效天数")
    p.set_defaults(func=cmd_token_create)

    audit = sub.add_parser("audit", help="审计留痕").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="校验审计哈希链").set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("check", help="检查配置;--deploy 列出不安全的生产配置")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="备份数据库与上传文件(运行中亦可)")
    p.add_argument("file", help="备份文件 .zip")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="把备份恢复到新部署(空数据库)")
    p.add_argument("file", help="备份文件 .zip")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("import", help="导入 Excel(先校验预览,再全部有效行或全部写入)")
    p.add_argument("kind", help="enterprises、indicators 等")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只校验,不写入")
    p.add_argument("--user", default=None, help="以该用户身份导入(按其管辖范围校验);默认为系统身份")
    p.add_argument("--mode", choices=["valid", "all"], default="all",
                   help="valid:写入全部有效行;all:有任何错误行则不写入")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="按导入格式导出 Excel")
    p.add_argument("kind")
    p.add_argument("file")
    p.add_argument("--user", default=None)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("evaluate", help="按评价方案计算(无需数据库)")
    p.add_argument("scheme", help="内置方案名 (mujun, county, zone, inspection, window) 或 YAML 文件")
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--group-by", default=None)
    p.add_argument("--sensitivity", type=_positive_int, default=0)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("intake", help="从会议讲话中提取任务清单草稿")
    p.add_argument("file")
    p.add_argument("--meeting-date", default=None, help="会议日期 YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_intake)

    p = sub.add_parser("bulletin", help="生成月通报/周报(docx、pdf 或 xlsx 附表)")
    p.add_argument("--period", required=True, help="月通报 YYYY-MM;周报 YYYY-Www 或周末日期 YYYY-MM-DD")
    p.add_argument("--kind", choices=["monthly", "weekly"], default="monthly")
    p.add_argument("--format", choices=["docx", "pdf", "xlsx"], required=True)
    p.add_argument("--out", required=True, help="输出文件")
    p.add_argument("--user", default=None, help="按该用户的管辖范围生成;默认为全市")
    p.add_argument("--issued-on", default=None, help="成文日期 YYYY-MM-DD(默认期末次日)")
    p.set_defaults(func=cmd_bulletin)

    p = sub.add_parser("manage", help="Django 管理命令")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        print(f"devzone: {exc}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except Exception as exc:  # a DomainError from a service is a user mistake too
        from devzone.core.errors import DomainError

        if isinstance(exc, DomainError):
            print(f"devzone: {exc.message}", file=sys.stderr)
            return USER_ERROR
        raise


if __name__ == "__main__":
    sys.exit(main())
