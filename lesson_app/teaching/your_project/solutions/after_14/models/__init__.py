# Importing the package imports every model module, so `from models.youtube_model import Base` (env.py, main.py)
# also registers Channel: autogenerate and relationship("Youtube") see every table.
from models.channel_model import Channel  # noqa: F401
