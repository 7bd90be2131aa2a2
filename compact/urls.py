"""URLs of the compact app."""

app_name = "compact"
urlpatterns: list = []
