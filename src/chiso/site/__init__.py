"""Django project of chiso: settings (all from the environment), urls, wsgi."""
