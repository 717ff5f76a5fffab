"""Interface strings in English, German and Danish; names of document types and languages."""

from __future__ import annotations

import streamlit as st

UI_LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "da": "Dansk"}
_STATE_KEY = "_ui_language"
LANGUAGE_COOKIE = "kb_lang"

# key: (en, de, da)
_STRINGS: dict[str, tuple[str, str, str]] = {
    "app.title": ("Network knowledge base", "Netzwerk-Wissensbasis", "Netværkets vidensbase"),
    "nav.search": ("Search", "Suche", "Søg"),
    "nav.document": ("Document", "Dokument", "Dokument"),
    "nav.explore": ("Explore networks", "Netzwerke erkunden", "Udforsk netværk"),
    "nav.upload": ("Upload", "Hochladen", "Upload"),
    "nav.admin": ("Admin", "Verwaltung", "Administration"),
    "ui.language": ("Interface language", "Sprache der Oberfläche", "Sprog i brugerfladen"),
    "search.query": ("Search the archive", "Archiv durchsuchen", "Søg i arkivet"),
    "search.placeholder": (
        "e.g. recycling Ems-Achse",
        "z. B. Ausbildung Kunststoff",
        "f.eks. genanvendelse plast",
    ),
    "search.help": (
        'Words are combined with AND. Use "quotes" for a phrase, OR for alternatives, -word to exclude, plast* for prefixes.',
        'Wörter werden mit UND verknüpft. "Anführungszeichen" für Phrasen, OR für Alternativen, -wort zum Ausschließen, plast* für Präfixe.',
        'Ord kombineres med OG. Brug "anførselstegn" til fraser, OR til alternativer, -ord for at udelukke, plast* til præfikser.',
    ),
    "search.filters": ("Filters", "Filter", "Filtre"),
    "search.clear": ("Clear all filters", "Alle Filter zurücksetzen", "Nulstil alle filtre"),
    "search.years": ("Years", "Jahre", "År"),
    "search.sort": ("Sort by", "Sortieren nach", "Sortér efter"),
    "sort.relevance": ("Relevance", "Relevanz", "Relevans"),
    "sort.newest": ("Newest first", "Neueste zuerst", "Nyeste først"),
    "sort.oldest": ("Oldest first", "Älteste zuerst", "Ældste først"),
    "search.size": ("Results per page", "Treffer pro Seite", "Resultater pr. side"),
    "search.page": ("Result page", "Ergebnisseite", "Resultatside"),
    "search.total": ("{n} documents", "{n} Dokumente", "{n} dokumenter"),
    "search.total.one": ("1 document", "1 Dokument", "1 dokument"),
    "search.results": ("{n} results", "{n} Treffer", "{n} resultater"),
    "search.results.one": ("1 result", "1 Treffer", "1 resultat"),
    "search.more": ("{n} more", "{n} weitere", "{n} flere"),
    "search.remove": ("Remove this filter", "Diesen Filter entfernen", "Fjern dette filter"),
    "search.inlang": (
        "In {lang}: {results}",
        "Auf {lang}: {results}",
        "På {lang}: {results}",
    ),
    "search.relaxed": (
        "No document contains all words; showing documents with most of them.",
        "Kein Dokument enthält alle Wörter; gezeigt werden Dokumente mit den meisten davon.",
        "Intet dokument indeholder alle ord; viser dokumenter med flest af dem.",
    ),
    "search.didyoumean": ("Did you mean: {s}", "Meinten Sie: {s}", "Mente du: {s}"),
    "search.expansions": ("Also searched: {terms}", "Auch gesucht: {terms}", "Også søgt: {terms}"),
    "search.expand": (
        "Search in other languages too",
        "Auch in anderen Sprachen suchen",
        "Søg også på andre sprog",
    ),
    "search.nothing": ("Nothing found.", "Nichts gefunden.", "Intet fundet."),
    "search.drop": (
        "Without the filter “{facet}”: {results}",
        "Ohne den Filter „{facet}“: {results}",
        "Uden filteret “{facet}”: {results}",
    ),
    "search.otherlangs": (
        "In other languages: {counts}",
        "In anderen Sprachen: {counts}",
        "På andre sprog: {counts}",
    ),
    "search.tryless": (
        "Try fewer or more general words, or check the spelling.",
        "Versuchen Sie weniger oder allgemeinere Wörter oder prüfen Sie die Schreibweise.",
        "Prøv færre eller mere generelle ord, eller tjek stavningen.",
    ),
    "search.open": ("Open", "Öffnen", "Åbn"),
    "search.histogram": ("Documents per year", "Dokumente pro Jahr", "Dokumenter pr. år"),
    "facet.region": ("Region", "Region", "Region"),
    "facet.network": ("Network", "Netzwerk", "Netværk"),
    "facet.topic": ("Topic", "Thema", "Emne"),
    "facet.doctype": ("Type", "Typ", "Type"),
    "facet.language": ("Language", "Sprache", "Sprog"),
    "facet.year": ("Year", "Jahr", "År"),
    "doc.none": (
        "No document selected. Open one from the search results.",
        "Kein Dokument ausgewählt. Öffnen Sie eines aus den Suchergebnissen.",
        "Intet dokument valgt. Åbn et fra søgeresultaterne.",
    ),
    "doc.unknown": (
        "There is no document with this id. It may have been deleted.",
        "Es gibt kein Dokument mit dieser Kennung. Vielleicht wurde es gelöscht.",
        "Der findes intet dokument med dette id. Det kan være slettet.",
    ),
    "doc.back": ("Back to the search", "Zurück zur Suche", "Tilbage til søgningen"),
    "doc.text": ("Full text", "Volltext", "Fuld tekst"),
    "doc.download": ("Download the original", "Original herunterladen", "Hent originalen"),
    "hit.meaning": ("found by meaning", "nach Bedeutung gefunden", "fundet efter betydning"),
    "hit.both": ("by words and meaning", "nach Wörtern und Bedeutung", "efter ord og betydning"),
    "search.embedding": (
        "{done} of {total} documents can be found by meaning so far; the rest by their words (embedding continues in the background).",
        "{done} von {total} Dokumenten sind bisher nach Bedeutung auffindbar, die übrigen über ihre Wörter (die Einbettung läuft im Hintergrund weiter).",
        "{done} af {total} dokumenter kan indtil videre findes efter betydning, resten efter deres ord (indlejringen fortsætter i baggrunden).",
    ),
    "doc.meaning": (
        "Similar in meaning (any language)",
        "Inhaltlich ähnlich (alle Sprachen)",
        "Lignende indhold (alle sprog)",
    ),
    "doc.translations": ("Also in {langs}", "Auch auf {langs}", "Også på {langs}"),
    "doc.related": ("Similar documents", "Ähnliche Dokumente", "Lignende dokumenter"),
    "doc.same": (
        "Same network and year",
        "Gleiches Netzwerk und Jahr",
        "Samme netværk og år",
    ),
    "doc.nothing": ("No documents.", "Keine Dokumente.", "Ingen dokumenter."),
    "doc.date": ("Date", "Datum", "Dato"),
    "doc.source": ("File", "Datei", "Fil"),
    "doc.added": ("Added by {user} on {at}", "Hinzugefügt von {user} am {at}", "Tilføjet af {user} den {at}"),
    "doc.unknown_date": ("unknown", "unbekannt", "ukendt"),
    "edit.title": ("Correct the metadata", "Metadaten korrigieren", "Ret metadata"),
    "edit.save": ("Save the metadata", "Metadaten speichern", "Gem metadata"),
    "edit.saved": ("Saved and re-indexed.", "Gespeichert und neu indexiert.", "Gemt og genindekseret."),
    "delete.title": ("Delete this document", "Dieses Dokument löschen", "Slet dette dokument"),
    "delete.confirm": (
        "Yes, remove it from the archive (the file is kept in corpus/.deleted/)",
        "Ja, aus dem Archiv entfernen (die Datei bleibt in corpus/.deleted/)",
        "Ja, fjern det fra arkivet (filen gemmes i corpus/.deleted/)",
    ),
    "delete.button": ("Delete", "Löschen", "Slet"),
    "delete.done": ("Deleted: {title}", "Gelöscht: {title}", "Slettet: {title}"),
    "meta.title": ("Title", "Titel", "Titel"),
    "meta.date": (
        "Date (for example 2021-11-18, 18.11.2021, 18 November 2021 or 2021)",
        "Datum (zum Beispiel 18.11.2021, 18. November 2021, 2021-11-18 oder 2021)",
        "Dato (for eksempel 18.11.2021, 18. november 2021, 2021-11-18 eller 2021)",
    ),
    "meta.baddate": (
        "Not saved: {error}",
        "Nicht gespeichert: {error}",
        "Ikke gemt: {error}",
    ),
    "signin.title": ("Coordinator sign-in", "Anmeldung für Koordinatoren", "Log ind som koordinator"),
    "signin.name": ("Name", "Name", "Navn"),
    "signin.password": ("Password", "Passwort", "Adgangskode"),
    "signin.button": ("Sign in", "Anmelden", "Log ind"),
    "signin.failed": (
        "Name or password is wrong.",
        "Name oder Passwort ist falsch.",
        "Navn eller adgangskode er forkert.",
    ),
    "signin.locked": (
        "Too many failed sign-ins for {name}; try again in {minutes} minutes.",
        "Zu viele fehlgeschlagene Anmeldungen für {name}; versuchen Sie es in {minutes} Minuten wieder.",
        "For mange mislykkede logins for {name}; prøv igen om {minutes} minutter.",
    ),
    "signin.locked_here": (
        "Too many failed sign-ins from this address; try again in {minutes} minutes.",
        "Zu viele fehlgeschlagene Anmeldungen von dieser Adresse; versuchen Sie es in {minutes} Minuten wieder.",
        "For mange mislykkede logins fra denne adresse; prøv igen om {minutes} minutter.",
    ),
    "signin.as": ("Signed in as {name}", "Angemeldet als {name}", "Logget ind som {name}"),
    "signin.out": ("Sign out", "Abmelden", "Log ud"),
    "signin.needed": (
        "Only coordinators can upload documents. Please sign in.",
        "Nur Koordinatoren können Dokumente hochladen. Bitte melden Sie sich an.",
        "Kun koordinatorer kan uploade dokumenter. Log venligst ind.",
    ),
    "upload.files": (
        "Files to add (PDF, Word, LibreOffice, PowerPoint, Excel, RTF, HTML, Markdown, text)",
        "Dateien hinzufügen (PDF, Word, LibreOffice, PowerPoint, Excel, RTF, HTML, Markdown, Text)",
        "Filer der skal tilføjes (PDF, Word, LibreOffice, PowerPoint, Excel, RTF, HTML, Markdown, tekst)",
    ),
    "upload.detected": ("Detected language: {lang}", "Erkannte Sprache: {lang}", "Genkendt sprog: {lang}"),
    "upload.extracted": ("Extracted text", "Extrahierter Text", "Udtrukket tekst"),
    "upload.duplicate": (
        "This file is already in the archive:",
        "Diese Datei ist schon im Archiv:",
        "Denne fil findes allerede i arkivet:",
    ),
    "upload.once": (
        "The archive keeps each file once: open it above to read it or correct its details.",
        "Das Archiv bewahrt jede Datei einmal auf: Öffnen Sie sie oben, um sie zu lesen oder ihre Angaben zu korrigieren.",
        "Arkivet gemmer hver fil én gang: åbn den ovenfor for at læse den eller rette dens oplysninger.",
    ),
    "upload.reading": ("Reading {name} …", "{name} wird gelesen …", "Læser {name} …"),
    "upload.store": ("Store and index", "Speichern und indexieren", "Gem og indeksér"),
    "upload.stored": (
        "Stored and indexed: {title}",
        "Gespeichert und indexiert: {title}",
        "Gemt og indekseret: {title}",
    ),
    "upload.failed": ("{name}: {error}", "{name}: {error}", "{name}: {error}"),
    "explore.network": ("Network", "Netzwerk", "Netværk"),
    "explore.per_year": ("Documents per year", "Dokumente pro Jahr", "Dokumenter pr. år"),
    "explore.topics": ("Topics over time", "Themen im Zeitverlauf", "Emner over tid"),
    "explore.first": ("First documents", "Erste Dokumente", "Første dokumenter"),
    "explore.latest": ("Latest documents", "Neueste Dokumente", "Seneste dokumenter"),
    "explore.meetings": ("Meetings (minutes)", "Treffen (Protokolle)", "Møder (referater)"),
    "explore.overview": (
        "All networks and regions",
        "Alle Netzwerke und Regionen",
        "Alle netværk og regioner",
    ),
    "explore.undated": ("{n} documents without a year", "{n} Dokumente ohne Jahr", "{n} dokumenter uden år"),
    "explore.undated.one": ("1 document without a year", "1 Dokument ohne Jahr", "1 dokument uden år"),
    "explore.empty": (
        "The archive has no networks yet.",
        "Das Archiv hat noch keine Netzwerke.",
        "Arkivet har endnu ingen netværk.",
    ),
    "col.documents": ("Documents", "Dokumente", "Dokumenter"),
    "col.year": ("Year", "Jahr", "År"),
    "admin.status": ("Index status", "Indexstatus", "Indeksstatus"),
    "admin.documents": ("Documents", "Dokumente", "Dokumenter"),
    "admin.schema": ("Schema version", "Schemaversion", "Skemaversion"),
    "admin.audit": ("Audit log", "Änderungsprotokoll", "Revisionslog"),
    "admin.noaudit": (
        "No changes recorded yet.",
        "Noch keine Änderungen protokolliert.",
        "Ingen ændringer registreret endnu.",
    ),
    "admin.audit_signin": (
        "Sign in as a coordinator to see the audit log.",
        "Melden Sie sich als Koordinator an, um das Protokoll zu sehen.",
        "Log ind som koordinator for at se loggen.",
    ),
    "admin.rebuild": (
        "Rebuild the index from corpus/",
        "Index aus corpus/ neu aufbauen",
        "Genopbyg indekset fra corpus/",
    ),
    "admin.rebuilt": (
        "Index rebuilt: {n} documents (before: {before}).",
        "Index neu aufgebaut: {n} Dokumente (vorher: {before}).",
        "Indeks genopbygget: {n} dokumenter (før: {before}).",
    ),
    "admin.rebuild_plan": (
        "The index holds {now} documents; corpus/ holds {files} distinct files to index.",
        "Der Index enthält {now} Dokumente; corpus/ enthält {files} verschiedene Dateien.",
        "Indekset rummer {now} dokumenter; corpus/ rummer {files} forskellige filer.",
    ),
    "admin.rebuild_confirm": (
        "Yes, rebuild although the index will hold at least {n} fewer documents",
        "Ja, neu aufbauen, obwohl der Index mindestens {n} Dokumente weniger enthalten wird",
        "Ja, genopbyg, selv om indekset vil rumme mindst {n} færre dokumenter",
    ),
    "admin.rebuild_now": ("Rebuild now", "Jetzt neu aufbauen", "Genopbyg nu"),
    "admin.rebuild_cancel": ("Cancel", "Abbrechen", "Annuller"),
    "admin.signin": (
        "The admin page is for coordinators. Please sign in.",
        "Die Verwaltung ist für Koordinatoren. Bitte melden Sie sich an.",
        "Administrationen er for koordinatorer. Log venligst ind.",
    ),
    "admin.networks": ("Networks", "Netzwerke", "Netværk"),
    "admin.where": (
        "Index: {index} · Documents: {corpus}",
        "Index: {index} · Dokumente: {corpus}",
        "Indeks: {index} · Dokumenter: {corpus}",
    ),
    "audit.filter": (
        "Filter by person, document or change",
        "Nach Person, Dokument oder Änderung filtern",
        "Filtrér efter person, dokument eller ændring",
    ),
    "audit.filter_hint": ("e.g. anna", "z. B. anna", "f.eks. anna"),
    "audit.what": ("What", "Was", "Hvad"),
    "audit.when": ("When", "Wann", "Hvornår"),
    "audit.who": ("Who", "Wer", "Hvem"),
    "audit.doc": ("Document", "Dokument", "Dokument"),
    "audit.change": ("Change", "Änderung", "Ændring"),
    "audit.count": (
        "{shown} of {total} entries",
        "{shown} von {total} Einträgen",
        "{shown} af {total} poster",
    ),
    "audit.upload": ("Uploaded", "Hochgeladen", "Uploadet"),
    "audit.add": ("Added", "Hinzugefügt", "Tilføjet"),
    "audit.edit": ("Metadata corrected", "Metadaten korrigiert", "Metadata rettet"),
    "audit.delete": ("Deleted", "Gelöscht", "Slettet"),
    "audit.rebuild": ("Index rebuilt", "Index neu aufgebaut", "Indeks genopbygget"),
    "audit.import": ("Imported", "Importiert", "Importeret"),
    "audit.rebuild_counts": (
        "documents: {before} before, {after} after",
        "Dokumente: vorher {before}, nachher {after}",
        "dokumenter: {before} før, {after} efter",
    ),
    "audit.import_files": (
        "{n} files from {source}",
        "{n} Dateien aus {source}",
        "{n} filer fra {source}",
    ),
    "error.kb": (
        "The archive cannot answer: {error}",
        "Das Archiv antwortet nicht: {error}",
        "Arkivet kan ikke svare: {error}",
    ),
}

DOCTYPE_NAMES: dict[str, tuple[str, str, str]] = {
    "press-release": ("Press release", "Pressemitteilung", "Pressemeddelelse"),
    "minutes": ("Minutes", "Protokoll", "Referat"),
    "project-description": ("Project description", "Projektbeschreibung", "Projektbeskrivelse"),
    "other": ("Other", "Sonstiges", "Andet"),
}

LANGUAGE_NAMES: dict[str, tuple[str, str, str]] = {
    "de": ("German", "Deutsch", "Tysk"),
    "da": ("Danish", "Dänisch", "Dansk"),
    "nl": ("Dutch", "Niederländisch", "Hollandsk"),
    "en": ("English", "Englisch", "Engelsk"),
    "und": ("Unknown", "Unbekannt", "Ukendt"),
}

_INDEX = {code: i for i, code in enumerate(UI_LANGUAGES)}
STRING_KEYS = frozenset(_STRINGS)


def language() -> str:
    """The chosen interface language code: the choice made, else the browser's language, else English."""
    lang = st.session_state.get(_STATE_KEY)
    if lang not in UI_LANGUAGES:
        lang = browser_language()
        st.session_state[_STATE_KEY] = lang
    return lang


def browser_language() -> str:
    """The language kept from an earlier choice (cookie), else the browser's (locale, Accept-Language)."""
    candidates: list[str] = []
    try:
        candidates.append(str(st.context.cookies.get(LANGUAGE_COOKIE) or ""))
        candidates.append(str(st.context.locale or ""))
        header = str(st.context.headers.get("Accept-Language") or "")
    except (AttributeError, RuntimeError):  # no browser behind this run
        return "en"
    candidates += [part.split(";")[0].strip() for part in header.split(",")]
    for tag in candidates:
        code = tag.split("-")[0].split("_")[0].lower()
        if code in UI_LANGUAGES:
            return code
    return "en"


def t(key: str, **values: object) -> str:
    """An interface string in the chosen language, with {placeholders} filled in."""
    text = _STRINGS[key][_INDEX[language()]]
    return text.format(**values) if values else text


def tn(key: str, n: int) -> str:
    """A count in words: the key's ".one" form for exactly one, if it has one."""
    one = f"{key}.one"
    return t(one if n == 1 and one in _STRINGS else key, n=n)


def doctype_name(doctype: str) -> str:
    names = DOCTYPE_NAMES.get(doctype)
    return names[_INDEX[language()]] if names else doctype


def language_name(code: str) -> str:
    names = LANGUAGE_NAMES.get(code)
    return names[_INDEX[language()]] if names else code


def _remember() -> None:
    """Keep the choice for this session and, in a cookie, for the next visits."""
    lang = st.session_state["ui_language_select"]
    st.session_state[_STATE_KEY] = lang
    st.session_state.setdefault("_pending_scripts", []).append(
        f"document.cookie = '{LANGUAGE_COOKIE}={lang}; path=/; max-age=31536000; samesite=lax';"
    )


def language_selector() -> None:
    """The interface-language switch in the sidebar (kept across pages in session state)."""
    st.session_state["ui_language_select"] = language()
    st.sidebar.selectbox(
        t("ui.language"),
        list(UI_LANGUAGES),
        format_func=UI_LANGUAGES.__getitem__,
        key="ui_language_select",
        on_change=_remember,
    )
