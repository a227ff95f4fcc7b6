"""The request on the wire: what a client sends, and what each server hands the app.

``request`` holds the server-independent ``RequestSpec``; ``wsgi`` builds
gunicorn's environ and plays ``start_response``; ``asgi`` builds uvicorn's
scope and plays ``receive``/``send``. Nothing here runs an app's event loop
or times anything: that is ``handlerbench.drive``.
"""
