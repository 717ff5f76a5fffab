"""The query syntax, as `kb search --help` explains it."""

QUERY_SYNTAX = """\
query syntax:
  Ems-Achse Ausbildung      words are ANDed; when no document has every word, the documents
                            with most of them are shown and the output says so
  Recycling OR Kreislauf    either word        Kunststoff NOT Verpackung   without a word
                                               Kunststoff -Verpackung      the same
  (a OR b) c                grouping           "exact phrase"              words in this order
  Netzw*                    prefix             Kunststofmese~              typo-tolerant
  title:Messe  network:Plastindustrien  region:Danmark  topic:recycling  type:minutes  lang:da  year:2020
                            one field (its name in any case); network:"Wachstumsregion Ems-Achse"
                            a value of two words; network:Plast* values it begins; year:[2018 TO 2020]
Compound parts ("Netzwerk" finds "Kunststoffnetzwerk"), umlauts and æøå typed any way
("Trekantomraadet") and other-language terms of the vocabulary ("network offers" finds
"netværkstilbud") are found too; --no-expand and --no-fuzzy turn the last two off.

filters:
  --network, --region and --topic take a name, label or alias from corpus/vocabulary.json
  (an unknown value is an error naming the known ones); several values of one filter are
  ORed, different filters are ANDed.

examples:
  kb search "Ems-Achse" --from 2020
  kb search --network Plastindustrien --type minutes --sort newest
  kb search --json 'title:Netzwerktreffen' | jq '.hits[].title'"""
