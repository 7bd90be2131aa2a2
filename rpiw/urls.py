"""URLs of the rpiw app."""

app_name = "rpiw"
urlpatterns: list = []
