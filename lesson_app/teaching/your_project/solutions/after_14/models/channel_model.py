from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.youtube_model import Base, Youtube


class Channel(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    # One channel, many videos: SQLAlchemy fills this list from youtube.channel_id.
    videos: Mapped[list[Youtube]] = relationship(order_by=Youtube.id)
