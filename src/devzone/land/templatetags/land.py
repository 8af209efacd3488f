"""`{% project_standard_land project %}`: the standard-land checks made when the project reached 达效."""

from django import template

from devzone.land.models import StandardLandCheck

register = template.Library()


@register.inclusion_tag("land/_project_standard_checks.html")
def project_standard_land(project) -> dict:
    checks = list(StandardLandCheck.objects.filter(project=project).select_related("parcel"))
    return {"checks": checks}
