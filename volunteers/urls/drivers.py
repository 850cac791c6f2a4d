"""Pages of the area "drivers" (namespace ``volunteers``): the driver bank,
adding and changing a driver, their usual times, and finding a driver for a trip."""

from django.urls import path

from volunteers.views import drivers

urlpatterns = [
    path("drivers/", drivers.drivers, name="drivers"),
    path("drivers/add/", drivers.driver_add, name="driver_add"),
    path("drivers/find/", drivers.driver_find, name="driver_find"),
    path("drivers/<int:pk>/", drivers.driver_edit, name="driver_edit"),
    path("drivers/<int:pk>/availability/", drivers.driver_availability, name="driver_availability"),
]
