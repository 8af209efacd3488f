from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "devzone.projects"
    label = "projects"
    verbose_name = "重点项目"
