app_name = "scorecards"

# Each page of the app adds its pattern here.
urlpatterns: list = []
