"""What the apps above ``portal`` tell it, so that ``portal`` never names them.

``portal`` is the bottom layer (docs/architecture.md, "Layers"): it may not import, or refer by
string to, the apps built on it. Where it needs to know about them — which URLs to serve, which
tables a backup must count, which permissions a role holds — each app registers itself here from
its ``AppConfig.ready()``, and ``portal`` reads the registry. The order of registration is the
order of ``INSTALLED_APPS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Registry:
    # URL confs served before Wagtail's page tree, inside the language prefix (/en/...).
    localized_urls: list[str] = field(default_factory=list)
    # "app_label.Model" whose row counts a restored backup must reproduce.
    backup_models: list[str] = field(default_factory=list)
    # Role (group) name → permissions ("app_label.codename") that role holds.
    role_permissions: dict[str, list[str]] = field(default_factory=dict)
    # Role name → permissions it must not hold (taken away after every migrate).
    revoked_permissions: dict[str, list[str]] = field(default_factory=dict)

    def add_localized_urls(self, urlconf: str) -> None:
        if urlconf not in self.localized_urls:
            self.localized_urls.append(urlconf)

    def add_backup_models(self, *labels: str) -> None:
        for label in labels:
            if label not in self.backup_models:
                self.backup_models.append(label)

    def grant(self, role: str, *permissions: str) -> None:
        held = self.role_permissions.setdefault(role, [])
        held.extend(p for p in permissions if p not in held)

    def revoke(self, role: str, *permissions: str) -> None:
        revoked = self.revoked_permissions.setdefault(role, [])
        revoked.extend(p for p in permissions if p not in revoked)


registry = Registry()
