"""One APIRouter per concern; `app.main.create_app` includes them all."""
