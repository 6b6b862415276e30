from units import workbook_urls

app_name = "units"
urlpatterns: list = []
urlpatterns += workbook_urls.urlpatterns
