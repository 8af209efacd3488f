"""The NinjaAPI instance mounted at /api/v1/."""

from __future__ import annotations

from datetime import datetime

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from devzone.api import openapi
from devzone.api.auth import ActiveSession, BearerToken
from devzone.api.errors import install_error_handlers
from devzone.attraction.api import router as attraction_router
from devzone.chains.api import router as chains_router
from devzone.core.api import router as core_router
from devzone.dispatch.api import router as dispatch_router
from devzone.enterprises.api import router as enterprises_router
from devzone.evaluation.api import router as evaluation_router
from devzone.finance.api import router as finance_router
from devzone.indicators.api import router as indicators_router
from devzone.intake.api import router as intake_router
from devzone.land.api import router as land_router
from devzone.policies.api import router as policies_router
from devzone.projects.api import router as projects_router


class PreciseJSONEncoder(NinjaJSONEncoder):
    """Datetimes keep their microseconds: `updated_at` goes back to the server for optimistic locking."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class Utf8JSONRenderer(JSONRenderer):
    encoder_class = PreciseJSONEncoder
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="devzone API",
    version="1",
    description=(
        "开发区与重点项目管理平台接口。认证:`Authorization: Bearer <令牌>`(`devzone token create 用户名`)"
        "或浏览器会话。错误统一为 {code, message, details}。"
        "更新时须回传 updated_at,数据已被他人修改时返回 409。"
    ),
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
)
install_error_handlers(api)
openapi.install()
api.add_router("/", core_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/projects", projects_router)
api.add_router("/", dispatch_router)  # /problems, /tasks, /meetings, /notifications
api.add_router("/imports", intake_router)
api.add_router("/", attraction_router)  # /leads, /agreements, /activities, /directory, /negative-list
api.add_router("/chains", chains_router)
api.add_router("/indicators", indicators_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/land", land_router)
api.add_router("/financing", finance_router)
api.add_router("/policies", policies_router)
