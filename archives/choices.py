from django.db import models


class DocumentKind(models.TextChoices):
    HIGHER = "上级文件", "上级文件"
    COMMITTEE = "编委文件", "编委文件"
    OFFICE = "编办文件", "编办文件"
    PARTY_GOVERNMENT = "党委政府文件", "党委政府文件"
    THREE_DETERMINATIONS = "三定规定", "三定规定"
    SLIP = "编制使用单", "编制使用单"
    OTHER = "其他", "其他"
