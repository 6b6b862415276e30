"""The pages of 监督检查, one module per area: ``overview`` (statistics, export, 年度归档, settings),
``reports`` (举报受理), ``selfinspection`` and ``inspections`` (inspections, findings, 整改通知书)."""
