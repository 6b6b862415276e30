from bianzhi.roles import capabilities, user_roles


def roles(request):
    user = getattr(request, "user", None)  # none yet on a 400 raised before the auth middleware
    return {
        "user_roles": sorted(user_roles(user)),
        "can": capabilities(user),
    }
