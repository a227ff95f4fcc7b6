"""The db views' one table: a page of posts is read, one is created and deleted per request."""

from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=100)
    body = models.TextField()

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title}
