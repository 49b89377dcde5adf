from django.shortcuts import render


def consultation(request):
    return render(request, "bookings/consultation.html")
