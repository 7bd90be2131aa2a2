"""URLs of the impact app."""

app_name = "impact"
urlpatterns: list = []
