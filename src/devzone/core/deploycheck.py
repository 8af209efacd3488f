"""`devzone check --deploy`: the production settings a 等保 review or an IT officer should fix, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import checks


@dataclass(frozen=True)
class Finding:
    level: str  # "错误" or "警告"
    message: str


def deploy_findings() -> list[Finding]:
    """Our own rules first, then Django's deployment checks."""
    findings: list[Finding] = []
    if settings.DEBUG:
        findings.append(Finding("错误", "DEVZONE_DEBUG 已开启:生产环境必须关闭(会泄露错误详情)"))
    if len(settings.SECRET_KEY) < 50 or "insecure" in settings.SECRET_KEY:
        findings.append(Finding("错误", "DEVZONE_SECRET_KEY 过短或为开发默认值:请使用至少 50 个随机字符"))
    if not settings.SESSION_COOKIE_SECURE:
        findings.append(Finding("错误", "DEVZONE_HTTPS=0:会话 Cookie 可经明文 HTTP 传送;生产环境须经 HTTPS 访问"))
    if "*" in settings.ALLOWED_HOSTS:
        findings.append(Finding("错误", "DEVZONE_ALLOWED_HOSTS 含 *:请列出实际域名"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        findings.append(Finding("警告", "使用 SQLite:适合单机县区部署;多进程、多用户的市级部署请用 PostgreSQL"))
    if not settings.DATA_DIR.exists():
        findings.append(Finding("错误", f"数据目录不存在:{settings.DATA_DIR}"))
    for message in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security]):
        if message.id in {"security.W004", "security.W008"} and settings.SECURE_PROXY_SSL_HEADER:
            continue  # HSTS/SSL redirect are handled by nginx in front (docs/deploy.md)
        level = "错误" if message.level >= checks.ERROR else "警告"
        findings.append(Finding(level, f"{message.id}: {message.msg}"))
    return findings
