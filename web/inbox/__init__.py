from web.inbox import views
from web.inbox.views import bp

__all__ = ["bp", "views"]
