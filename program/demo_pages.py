# ruff: noqa: E501 (Markdown tables are one row per line)
"""Demo texts of the four editable pages (French and English), loaded by `load_demo`.

Facts the press invitation does not give (host, DPO address, audit figures, entrance) are
plausible demo values, flagged `is_demo` and marked « à confirmer » for OPMIRE staff.
Retention periods here are decisions of this site; keep them in line with the purge jobs:
registrations deleted 3 months after the event, press documents deleted as soon as the
request is decided (unless staff tick « conserver »), badges and entry lists 1 month after.
"""

PRACTICAL_FR = """\
## Lieu

Le colloque se tient à l'**Hôtel de Ville de Paris**, place de l'Hôtel de Ville, 75004 Paris.
L'accueil des participant·es se fait à partir de **9h00** par l'entrée du 3 rue de Lobau
(à confirmer sur le courriel de confirmation).

## Venir à l'Hôtel de Ville

- **Métro** : Hôtel de Ville (lignes 1 et 11), Châtelet (lignes 1, 4, 7, 11 et 14).
- **RER** : Châtelet-Les Halles (lignes A, B et D), à 10 minutes à pied.
- **Bus** : lignes 38, 47, 67, 69, 70, 72, 75, 76 et 96, arrêts Hôtel de Ville ou Châtelet.
- **Vélib'** : plusieurs stations autour de la place de l'Hôtel de Ville et rue de Rivoli.
- **Voiture** : il n'y a pas de stationnement sur place ; le parking public le plus proche est
  celui de l'Hôtel de Ville, rue de Lobau.

## Accessibilité du lieu

L'entrée rue de Lobau est de plain-pied et les salles du colloque sont desservies par
ascenseur. Des places sont réservées aux personnes en fauteuil roulant en salle plénière et
la salle est équipée d'une boucle à induction magnétique. Les conférences du matin sont
interprétées en langue des signes française (à confirmer).

Pour tout besoin particulier (accompagnement, place réservée, documents adaptés), indiquez-le
lors de votre inscription ou écrivez-nous au moins une semaine avant le colloque :
nous organiserons votre accueil.

## Arrivée et contrôle de sécurité

L'entrée dans l'Hôtel de Ville se fait après un **contrôle de sécurité** (inspection des
sacs, portique). Prévoyez d'arriver **dès 9h00**, 30 minutes avant la première conférence.
Les valises et bagages volumineux ne sont pas acceptés.

Présentez votre **confirmation d'inscription** (sur téléphone ou imprimée) et une **pièce
d'identité** en cours de validité, au nom indiqué lors de l'inscription. Les journalistes
présentent leur carte de presse ou leur accréditation.

## Déjeuner

Le déjeuner est libre. De nombreux restaurants se trouvent autour de la place de l'Hôtel de
Ville et dans le Marais. Les ateliers ont lieu de 14h00 à 16h30.

## Contact

Pour toute question sur le colloque : OPMIRE, Ville de Paris — colloque-mixite@paris.fr
(adresse de démonstration, à confirmer).
"""

PRACTICAL_EN = """\
## Venue

The colloquium takes place at **Paris City Hall (Hôtel de Ville)**, place de l'Hôtel de
Ville, 75004 Paris. Participants are welcomed from **9:00** at the 3 rue de Lobau
entrance (to be confirmed in your confirmation e-mail).

## Getting there

- **Metro**: Hôtel de Ville (lines 1 and 11), Châtelet (lines 1, 4, 7, 11 and 14).
- **RER**: Châtelet-Les Halles (lines A, B and D), a 10-minute walk.
- **Bus**: lines 38, 47, 67, 69, 70, 72, 75, 76 and 96, stops Hôtel de Ville or Châtelet.
- **Vélib'**: several bike-sharing stations around the square and on rue de Rivoli.
- **Car**: there is no parking on site; the nearest public car park is the Hôtel de Ville
  car park, rue de Lobau.

## Accessibility of the venue

The rue de Lobau entrance is step-free and the rooms are served by lifts. Wheelchair spaces
are reserved in the plenary room, which has an induction loop. The morning conferences are
interpreted into French Sign Language (to be confirmed).

For any specific need (assistance, reserved seat, adapted documents), tell us when you
register or write to us at least one week before the colloquium: we will arrange your
welcome.

## Arrival and security check

Entry to City Hall is subject to a **security check** (bag inspection, walk-through
detector). Please arrive **from 9:00**, 30 minutes before the first conference. Suitcases and bulky
luggage are not accepted.

Show your **registration confirmation** (on your phone or printed) and a valid **identity
document** in the name you registered with. Journalists show their press card or
accreditation.

## Lunch

Lunch is not provided. There are many restaurants around the square and in the Marais.
Workshops run from 14:00 to 16:30.

## Contact

Any question about the colloquium: OPMIRE, City of Paris — colloque-mixite@paris.fr
(demo address, to be confirmed).
"""

LEGAL_FR = """\
## Éditeur

Ce site est édité par la **Ville de Paris**, Hôtel de Ville, place de l'Hôtel de Ville,
75004 Paris, téléphone 39 75 (service gratuit + prix d'un appel), pour le compte de
l'Observatoire parisien de la mixité sociale et de la réussite éducative (OPMIRE).

## Direction de la publication

Directrice de la publication : la Maire de Paris.
Responsable éditorial : la direction de l'OPMIRE (à confirmer).

## Hébergement

Hébergeur (valeur de démonstration, à confirmer) : OVH SAS, 2 rue Kellermann,
59100 Roubaix, France — www.ovhcloud.com. Les données sont hébergées en France.

## Contact

Pour toute question sur le site ou le colloque : colloque-mixite@paris.fr (adresse de
démonstration, à confirmer).
Presse : Camille Pavlovic, 01 42 76 49 61, presse@paris.fr.

## Propriété intellectuelle

Les textes de ce site sont publiés par la Ville de Paris. Ils peuvent être repris en citant
la source, sauf les photographies des intervenant·es, qui restent la propriété de leurs
auteurs. Le code du site est publié sous licence libre EUPL 1.2.

## Données personnelles et cookies

Le traitement de vos données est décrit dans la page [Données
personnelles](/pages/donnees-personnelles/). Le site n'utilise ni outil de mesure
d'audience ni cookie publicitaire : seuls des cookies techniques (session, sécurité des
formulaires, choix de la langue) sont déposés ; ils ne demandent pas de consentement.
"""

LEGAL_EN = """\
## Publisher

This website is published by the **City of Paris**, Hôtel de Ville, place de l'Hôtel de
Ville, 75004 Paris, France, phone 39 75 (from France), on
behalf of the Paris observatory of social mix and educational success (OPMIRE).

## Director of publication

Director of publication: the Mayor of Paris.
Editorial manager: the head of OPMIRE (to be confirmed).

## Hosting

Host (demo value, to be confirmed): OVH SAS, 2 rue Kellermann, 59100 Roubaix, France —
www.ovhcloud.com. Data are hosted in France.

## Contact

Any question about the site or the colloquium: colloque-mixite@paris.fr (demo address, to
be confirmed).
Press: Camille Pavlovic, +33 1 42 76 49 61, presse@paris.fr.

## Intellectual property

The texts of this site are published by the City of Paris. They may be reused with
attribution, except the speakers' photographs, which remain their authors' property. The
site's code is published under the EUPL 1.2 free licence.

## Personal data and cookies

How your data are processed is described on the [Personal data](/en/pages/donnees-personnelles/)
page. The site uses no audience measurement and no advertising cookie: only technical
cookies (session, form security, language choice) are set; they need no consent.
"""

PRIVACY_FR = """\
Cette notice vous informe, conformément à l'article 13 du règlement général sur la
protection des données (RGPD), de l'utilisation des données que vous nous confiez en vous
inscrivant au colloque ou en demandant une accréditation presse.

## Responsable du traitement

**Ville de Paris — Observatoire parisien de la mixité sociale et de la réussite éducative
(OPMIRE)**, Hôtel de Ville, 75004 Paris, représentée par la Maire de Paris.

## Pourquoi nous traitons vos données et sur quelle base

Votre inscription et les demandes d'accréditation des journalistes reposent sur la
**mission d'intérêt public** de la Ville de Paris (art. 6-1-e du RGPD) : organiser ce
colloque. Elles ne reposent donc pas sur votre consentement.

| Finalité | Base légale |
| --- | --- |
| Gérer votre inscription et votre venue (confirmation, rappel, accueil, attestation de présence), attribuer les places des ateliers et gérer les listes d'attente | Mission d'intérêt public (art. 6-1-e du RGPD) |
| Instruire les demandes d'accréditation presse, établir les badges et contrôler l'accès | Mission d'intérêt public (art. 6-1-e) |
| Préparer un accueil adapté à vos besoins d'accessibilité (fauteuil roulant, langue des signes…), qui sont des **données de santé** | Votre **consentement explicite** (art. 9-2-a), **facultatif** et distinct de l'inscription, que vous pouvez retirer à tout moment |
| Vous informer des prochains événements de l'OPMIRE, si vous l'avez demandé | Consentement (art. 6-1-a), que vous pouvez retirer à tout moment |

Les données demandées sont : nom, prénom, adresse électronique, organisation et fonction
(facultatives), atelier choisi ; pour la presse, le téléphone, le média, la fonction, la carte
de presse ou une lettre de mission. Sans les données obligatoires, nous ne pouvons pas
enregistrer votre inscription ou votre demande.

Vos besoins d'accessibilité ne sont enregistrés que si vous cochez la case de consentement
qui les accompagne ; sans elle, l'inscription est enregistrée sans eux. Ils ne sont vus que
par l'équipe d'accueil le jour du colloque et comptés, sans nom, dans le tableau de bord de
l'équipe.

## Qui reçoit vos données

- les agent·es de l'OPMIRE chargé·es de l'organisation du colloque, et le service de presse
  de la Ville de Paris pour les demandes d'accréditation ;
- le service de sécurité de l'Hôtel de Ville, qui reçoit **uniquement la liste des
  journalistes accrédité·es** (nom, prénom, média, matériel) pour le contrôle à l'entrée ;
- l'hébergeur du site, qui agit pour le compte de la Ville de Paris et n'utilise pas vos
  données pour son compte.

Vos données ne sont ni vendues, ni cédées, ni transférées hors de l'Union européenne.

## Combien de temps nous les gardons

- **inscriptions, listes d'attente et demandes d'accréditation** : **anonymisées 3 mois
  après le colloque** : noms, adresses, téléphones, organisations, médias, besoins
  d'accessibilité et textes libres sont effacés ; ne restent que des chiffres sans nom
  (nombre d'inscrit·es par statut, public, atelier et présence) ;
- **documents d'accréditation presse** (lettre de mission) : supprimés **dès que la demande
  est acceptée ou refusée**, sauf si le service de presse décide de les conserver pour un
  contrôle, et dans ce cas supprimés avec l'anonymisation, 3 mois après le colloque ;
- **informations de l'OPMIRE** : jusqu'au retrait de votre consentement, et au plus tard
  jusqu'à l'anonymisation de votre inscription ;
- **listes d'entrée imprimées** remises au service de sécurité : détruites **1 mois après le
  colloque** ;
- **réseau d'origine d'une inscription non confirmée** (le début de l'adresse IP, par exemple
  « 203.0.113.0/24 », jamais l'adresse entière), pour qu'un même réseau ne puisse pas
  bloquer toutes les places : effacé **dès la confirmation**, sinon avec l'anonymisation ;
- **journal des connexions de l'équipe** à l'administration du site : 6 mois.

## Vos droits

Vous pouvez demander l'**accès** à vos données, leur **rectification**, leur
**effacement** ou la **limitation** de leur traitement, et vous **opposer** au traitement
pour des raisons tenant à votre situation particulière. Vous pouvez **retirer votre
consentement** (besoins d'accessibilité, informations de l'OPMIRE) à tout moment ; ce
retrait ne remet pas en cause ce qui a été fait avant.

**Sans nous écrire**, depuis le lien personnel reçu par e-mail :

- la page de gestion de votre inscription a les boutons **« Télécharger mes données »**
  (fichier JSON) et **« Effacer mon inscription et mes données »** ; votre place va alors à
  la première personne de la liste d'attente ;
- la page de suivi d'une demande d'accréditation a les boutons **« Télécharger mes
  données »** et **« Effacer ma demande et mes données »** ; le document transmis est
  supprimé avec elle ;
- chaque message d'information de l'OPMIRE a un lien de désabonnement.

**Pour tout le reste**, et si vous n'avez plus le lien, écrivez à une seule adresse :
**dpd@paris.fr** (adresse de démonstration, à confirmer), celle du ou de la délégué·e à la
protection des données de la Ville de Paris, qui transmet à l'OPMIRE ; ou par courrier :
Ville de Paris, Délégué à la protection des données, Hôtel de Ville, 75004 Paris. Une pièce
d'identité peut vous être demandée en cas de doute raisonnable sur votre identité. Nous
répondons dans un délai d'un mois.

## Réclamation auprès de la CNIL

Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous
pouvez adresser une réclamation à la **Commission nationale de l'informatique et des
libertés (CNIL)**, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, ou en ligne sur
[cnil.fr](https://www.cnil.fr).
"""

PRIVACY_EN = """\
This notice tells you, as required by article 13 of the General Data Protection Regulation
(GDPR), how we use the data you give us when you register for the colloquium or request a
press accreditation.

## Controller

**City of Paris — Paris observatory of social mix and educational success (OPMIRE)**
(Ville de Paris — Observatoire parisien de la mixité sociale et de la réussite éducative),
Hôtel de Ville, 75004 Paris, France, represented by the Mayor of Paris.

## Why we process your data and on what basis

Your registration and journalists' accreditation requests rest on the City of Paris's
**task carried out in the public interest** (GDPR art. 6-1-e): organising this colloquium.
They therefore do not rest on your consent.

| Purpose | Legal basis |
| --- | --- |
| Managing your registration and attendance (confirmation, reminder, welcome desk, certificate of attendance), allocating workshop seats and managing waiting lists | Task carried out in the public interest (GDPR art. 6-1-e) |
| Handling press accreditation requests, issuing badges and checking access | Public-interest task (art. 6-1-e) |
| Preparing a welcome suited to your accessibility needs (wheelchair, sign language…), which are **health data** | Your **explicit consent** (art. 9-2-a), **optional** and separate from the registration, which you may withdraw at any time |
| Sending you news of future OPMIRE events, if you asked for it | Consent (art. 6-1-a), which you may withdraw at any time |

We ask for: surname, first name, e-mail address, organisation and position (optional),
chosen workshop; for journalists, the phone number, media outlet, role, and a press card or
assignment letter. Without the required data we cannot record your registration or request.

Your accessibility needs are recorded only if you tick the consent box that goes with them;
without it, the registration is recorded without them. Only the welcome desk sees them on
the day, and the team's dashboard counts them without names.

## Who receives your data

- OPMIRE staff in charge of organising the colloquium, and the City of Paris press office
  for accreditation requests;
- the City Hall security desk, which receives **only the list of accredited journalists**
  (surname, first name, outlet, equipment) for the entrance check;
- the site's host, acting on behalf of the City of Paris, which does not use your data for
  its own purposes.

Your data are not sold, shared or transferred outside the European Union.

## How long we keep them

- **registrations, waiting lists and accreditation requests**: **anonymised 3 months after
  the colloquium**: names, addresses, phone numbers, organisations, outlets, accessibility
  needs and free text are erased; only figures without names remain (registrations by
  status, audience, workshop and attendance);
- **press accreditation documents** (assignment letter): deleted **as soon as the request
  is accepted or refused**, unless the press office decides to keep them for a check, and
  then deleted with the anonymisation, 3 months after the colloquium;
- **OPMIRE news**: until you withdraw your consent, and at the latest until your
  registration is anonymised;
- **printed entry lists** given to the security desk: destroyed **1 month after the
  colloquium**;
- **network an unconfirmed registration came from** (the start of the IP address, e.g.
  "203.0.113.0/24", never the whole address), so that one network cannot block every seat:
  erased **as soon as the registration is confirmed**, otherwise with the anonymisation;
- **record of the team's logins** to the site's administration: 6 months.

## Your rights

You may ask to **access** your data, to have them **rectified** or **erased**, to
**restrict** their processing, and you may **object** to the processing on grounds
relating to your particular situation. You may **withdraw your consent** (accessibility
needs, OPMIRE news) at any time; withdrawal does not affect what was done before.

**Without writing to us**, from the personal link you received by e-mail:

- the page managing your registration has the buttons **"Download my data"** (a JSON
  file) and **"Erase my registration and my data"**; your seat then goes to the first
  person on the waiting list;
- the page following an accreditation request has the buttons **"Download my data"** and
  **"Erase my request and my data"**; the document you sent is deleted with it;
- every OPMIRE news message has an unsubscribe link.

**For anything else**, or if you no longer have the link, write to a single address:
**dpd@paris.fr** (demo address, to be confirmed), that of the City of Paris data protection
officer, who forwards to OPMIRE; or by post: Ville de Paris, Délégué à la protection des
données, Hôtel de Ville, 75004 Paris, France. We may ask for an identity document if we have
reasonable doubts about your identity. We answer within one month.

## Complaint to the CNIL

If, after contacting us, you believe your rights are not respected, you may lodge a
complaint with the French data protection authority, the **Commission nationale de
l'informatique et des libertés (CNIL)**, 3 place de Fontenoy, TSA 80715, 75334 Paris
Cedex 07, France, or online at [cnil.fr](https://www.cnil.fr).
"""

ACCESSIBILITY_FR = """\
La Ville de Paris s'engage à rendre ses sites internet accessibles conformément à
l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration d'accessibilité
s'applique au site du colloque « Pour plus de mixité sociale au collège ».

## État de conformité

Ce site est **partiellement conforme** avec le référentiel général d'amélioration de
l'accessibilité (**RGAA**), version 4.1, en raison des non-conformités énumérées
ci-dessous.

## Résultats des tests

*Résultats de démonstration, à remplacer par ceux de l'audit réel.*

L'audit de conformité réalisé en interne sur un échantillon de 8 pages révèle que :

- **84 %** des critères du RGAA 4.1 sont respectés ;
- le taux moyen de conformité du site s'élève à **91 %**.

## Contenus non accessibles

### Non-conformités

- Certains documents téléchargeables (programme imprimable au format PDF, supports des
  intervenant·es) ne sont pas encore accessibles (critère 13.3).
- Le fichier d'agenda (.ics) ne peut pas être restitué par tous les lecteurs d'écran selon
  l'application d'agenda utilisée.
- Sur certains écrans de l'espace d'administration, réservé à l'équipe de l'OPMIRE, des
  messages d'erreur ne sont pas reliés à leur champ (critère 11.10).

### Dérogations pour charge disproportionnée

Aucune.

### Contenus non soumis à l'obligation d'accessibilité

Les supports de présentation fournis par des intervenant·es extérieur·es et publiés
après le colloque.

## Alternatives

Le programme est intégralement disponible en HTML sur la page [Programme](/programme/),
qui remplace le document PDF. Sur simple demande, nous vous envoyons les supports des
intervenant·es dans un format adapté (texte, gros caractères).

## Établissement de cette déclaration

Cette déclaration a été établie le jour de la mise en ligne du site (date de
démonstration).

Technologies utilisées : HTML5, CSS, WAI-ARIA (ponctuellement) ; le site fonctionne sans
JavaScript.

Environnements de test : NVDA avec Firefox sous Windows, VoiceOver avec Safari sous macOS
et iOS, TalkBack avec Chrome sous Android, navigation au clavier seul, zoom à 200 %.

Outils utilisés : inspection manuelle du code, validateur HTML du W3C, contrôle des
contrastes, extension de vérification axe DevTools.

Pages vérifiées : accueil, programme, une page de séance, intervenant·es, inscription,
demande d'accréditation presse, informations pratiques, données personnelles.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez-nous pour être
orienté·e vers une alternative accessible ou obtenir le contenu sous une autre forme :
colloque-mixite@paris.fr (adresse de démonstration, à confirmer).

## Voies de recours

Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une
fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas à obtenir de
réponse de notre part, vous êtes en droit de faire parvenir vos doléances ou une demande
de saisine au **Défenseur des droits** :

- par le formulaire en ligne sur [defenseurdesdroits.fr](https://www.defenseurdesdroits.fr) ;
- en contactant le ou la délégué·e du Défenseur des droits dans votre région ;
- par courrier, gratuitement, sans affranchir : Défenseur des droits, Libre réponse 71120,
  75342 Paris Cedex 07.
"""

ACCESSIBILITY_EN = """\
The City of Paris is committed to making its websites accessible in accordance with
article 47 of French law no. 2005-102 of 11 February 2005. This accessibility statement
applies to the website of the colloquium “For more social mix in secondary schools”.

## Compliance status

This site is **partially compliant** with the French accessibility framework (**RGAA**),
version 4.1, because of the non-compliances listed below.

## Test results

*Demo results, to be replaced with those of the real audit.*

The in-house compliance audit of a sample of 8 pages shows that:

- **84%** of the RGAA 4.1 criteria are met;
- the average compliance rate of the site is **91%**.

## Non-accessible content

### Non-compliances

- Some downloadable documents (printable programme in PDF, speakers' slides) are not yet
  accessible (criterion 13.3).
- The calendar file (.ics) may not be rendered by every screen reader, depending on the
  calendar application.
- On some screens of the administration area, used only by OPMIRE staff, error messages
  are not linked to their field (criterion 11.10).

### Exemptions for disproportionate burden

None.

### Content not subject to the accessibility requirement

Slides provided by external speakers and published after the colloquium.

## Alternatives

The full programme is available in HTML on the [Programme](/en/programme/) page, which
replaces the PDF document. On request, we send the speakers' materials in an adapted format
(plain text, large print).

## Preparation of this statement

This statement was drawn up on the day the site went online (demo date).

Technologies used: HTML5, CSS, WAI-ARIA (occasionally); the site works without JavaScript.

Test environments: NVDA with Firefox on Windows, VoiceOver with Safari on macOS and iOS,
TalkBack with Chrome on Android, keyboard-only navigation, 200% zoom.

Tools used: manual code inspection, W3C HTML validator, contrast checks, axe DevTools
extension.

Pages checked: home, programme, a session page, speakers, registration, press accreditation
request, practical information, personal data.

## Feedback and contact

If you cannot access some content or service, contact us to be directed to an accessible
alternative or to get the content in another form: colloque-mixite@paris.fr (demo address,
to be confirmed).

## Remedies

If you report an accessibility problem that prevents you from accessing content or a
feature of the site and you get no answer from us, you are entitled to send your complaint
or a referral request to the **Défenseur des droits** (French rights ombudsman):

- through the online form at [defenseurdesdroits.fr](https://www.defenseurdesdroits.fr);
- by contacting the Défenseur des droits delegate in your region;
- by post, free of charge, no stamp needed: Défenseur des droits, Libre réponse 71120,
  75342 Paris Cedex 07, France.
"""

PAGES = [
    # slug, title fr, title en, body fr, body en
    ("infos-pratiques", "Informations pratiques", "Practical information",
     PRACTICAL_FR, PRACTICAL_EN),
    ("mentions-legales", "Mentions légales", "Legal notice", LEGAL_FR, LEGAL_EN),
    ("donnees-personnelles", "Données personnelles", "Personal data", PRIVACY_FR, PRIVACY_EN),
    ("accessibilite", "Déclaration d'accessibilité", "Accessibility statement",
     ACCESSIBILITY_FR, ACCESSIBILITY_EN),
]
