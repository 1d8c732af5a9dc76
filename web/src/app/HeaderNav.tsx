import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, usePathname } from './router';

export interface NavLink {
  to: string;
  label: string;
  current: boolean;
}

/**
 * The header's links, on one line on a laptop: the admin pages sit behind one "Admin"
 * disclosure, and on a narrow screen the whole list behind a "Menu" one. Each is a button
 * with aria-expanded; Escape closes it and gives focus back to its button, and both close
 * when the page changes (each remembers the page it was opened on).
 */
export function HeaderNav({ links, adminLinks }: { links: NavLink[]; adminLinks: NavLink[] }) {
  const pathname = usePathname();
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === pathname;
  const menuButton = useRef<HTMLButtonElement>(null);

  function closeMenuOnEscape(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== 'Escape' || !menuOpen || event.defaultPrevented) return;
    event.preventDefault();
    setMenuOpenOn(null);
    menuButton.current?.focus();
  }

  return (
    <nav aria-label="Main" className="header-nav-region" onKeyDown={closeMenuOnEscape}>
      <button
        ref={menuButton}
        type="button"
        className="button button-secondary button-small header-nav-toggle"
        aria-expanded={menuOpen}
        aria-controls="header-nav-list"
        onClick={() => setMenuOpenOn(menuOpen ? null : pathname)}
        data-testid="header-menu"
      >
        Menu
      </button>
      <ul id="header-nav-list" className="header-nav" data-open={menuOpen || undefined}>
        {links.map((link) => (
          <li key={link.to}>
            <Link to={link.to} aria-current={link.current ? 'page' : undefined}>
              {link.label}
            </Link>
          </li>
        ))}
        {adminLinks.length > 0 && (
          <li className="admin-menu">
            <AdminMenu links={adminLinks} />
          </li>
        )}
      </ul>
    </nav>
  );
}

function AdminMenu({ links }: { links: NavLink[] }) {
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const button = useRef<HTMLButtonElement>(null);
  const container = useRef<HTMLDivElement>(null);
  // A click or tap anywhere else closes it, as with any pop-up menu.
  useEffect(() => {
    if (!open) return;
    function handlePointerDown(event: PointerEvent) {
      if (event.target instanceof Node && container.current?.contains(event.target) !== true) setOpenOn(null);
    }
    document.addEventListener('pointerdown', handlePointerDown);
    return () => document.removeEventListener('pointerdown', handlePointerDown);
  }, [open]);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'Escape' || !open) return;
    // Only this menu closes: the narrow screen's "Menu" around it stays open.
    event.preventDefault();
    setOpenOn(null);
    button.current?.focus();
  }

  return (
    <div
      ref={container}
      className="admin-menu-disclosure"
      onKeyDown={handleKeyDown}
      // Tabbing on past its last link closes it too, so it never covers the page behind focus.
      onBlur={(event) => {
        if (open && !(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setOpenOn(null);
      }}
    >
      <button
        ref={button}
        type="button"
        className="admin-menu-button"
        aria-expanded={open}
        aria-controls="admin-menu-list"
        data-current={links.some((link) => link.current) || undefined}
        onClick={() => setOpenOn(open ? null : pathname)}
        data-testid="admin-menu"
      >
        Admin
        <span className="admin-menu-chevron" aria-hidden="true" />
      </button>
      <ul id="admin-menu-list" className="admin-menu-list" hidden={!open}>
        {links.map((link) => (
          <li key={link.to}>
            <Link to={link.to} aria-current={link.current ? 'page' : undefined}>
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
