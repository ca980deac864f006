"""A small English lexicon shipped with the code: closed-class word lists and an open-class core vocabulary.

Nothing is downloaded at run time. Closed classes (determiners, pronouns, prepositions, conjunctions,
auxiliaries) are listed in full; the open classes list a few thousand everyday words, and the tagger falls back
to suffix and context rules for anything else. Word lists are plain whitespace-separated strings so they stay
easy to read and extend.
"""

from __future__ import annotations


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# ----------------------------------------------------------------------------------------------- closed classes

# determiner -> grammatical number it demands (None = either)
DETERMINERS: dict[str, str | None] = {
    "the": None, "a": "sg", "an": "sg", "this": "sg", "that": "sg", "these": "pl", "those": "pl",
    "every": "sg", "each": "sg", "some": None, "any": None, "no": None, "several": "pl", "many": "pl",
    "few": "pl", "all": None, "both": "pl", "much": "sg", "more": None, "most": None, "another": "sg",
    "either": "sg", "neither": "sg", "such": None, "what": None, "which": None, "whose": None,
    "enough": None, "various": "pl", "numerous": "pl", "certain": None, "lots": "pl", "other": None,
}

# pronoun -> (kind, person, number, gender); gender "masc"/"fem"/"neut"/None, number "sg"/"pl"/None
PRONOUNS: dict[str, tuple[str, int, str | None, str | None]] = {
    "i": ("subject", 1, "sg", None), "me": ("object", 1, "sg", None), "my": ("possessive", 1, "sg", None),
    "mine": ("independent", 1, "sg", None), "myself": ("reflexive", 1, "sg", None),
    "we": ("subject", 1, "pl", None), "us": ("object", 1, "pl", None), "our": ("possessive", 1, "pl", None),
    "ours": ("independent", 1, "pl", None), "ourselves": ("reflexive", 1, "pl", None),
    "you": ("personal", 2, None, None), "your": ("possessive", 2, None, None),
    "yours": ("independent", 2, None, None), "yourself": ("reflexive", 2, "sg", None),
    "yourselves": ("reflexive", 2, "pl", None),
    "he": ("subject", 3, "sg", "masc"), "him": ("object", 3, "sg", "masc"),
    "his": ("possessive", 3, "sg", "masc"), "himself": ("reflexive", 3, "sg", "masc"),
    "she": ("subject", 3, "sg", "fem"), "her": ("object_or_possessive", 3, "sg", "fem"),
    "hers": ("independent", 3, "sg", "fem"), "herself": ("reflexive", 3, "sg", "fem"),
    "it": ("personal", 3, "sg", "neut"), "its": ("possessive", 3, "sg", "neut"),
    "itself": ("reflexive", 3, "sg", "neut"),
    "they": ("subject", 3, "pl", None), "them": ("object", 3, "pl", None),
    "their": ("possessive", 3, "pl", None), "theirs": ("independent", 3, "pl", None),
    "themselves": ("reflexive", 3, "pl", None),
}
# pronouns that take part in coreference (third person): the coreference head's queries
ANAPHORS = frozenset(w for w, (_, person, _, _) in PRONOUNS.items() if person == 3)
SUBJECT_PRONOUNS = _words("i we you he she it they")
INDEFINITE_PRONOUNS = _words(
    "someone somebody something anyone anybody anything everyone everybody everything nobody nothing "
    "none one each both all"
)
RELATIVE_PRONOUNS = _words("who whom whose which that")
WH_WORDS = _words("what who whom whose which where when why how")

PREPOSITIONS = _words(
    "about above across against along amid among around at behind below beneath beside besides between "
    "beyond by despite down during except for from in inside into like near of off on onto opposite out "
    "outside over past per through throughout to toward towards under underneath unlike up upon via with "
    "within without aboard"
)
# words that are a preposition before a noun phrase but open a clause before a subject and a verb
PREP_OR_SUBORDINATOR = _words("after before since until till as")
SUBORDINATORS = _words(
    "because although though while whereas if unless whenever wherever whether once when where"
)
COORDINATORS = _words("and or but nor yet so")

# auxiliary -> (lemma, fine tag, number the form agrees with)
AUXILIARIES: dict[str, tuple[str, str, str | None]] = {
    "am": ("be", "VBP", "sg"), "is": ("be", "VBZ", "sg"), "are": ("be", "VBP", "pl"),
    "was": ("be", "VBD", "sg"), "were": ("be", "VBD", "pl"), "be": ("be", "VB", None),
    "been": ("be", "VBN", None), "being": ("be", "VBG", None),
    "has": ("have", "VBZ", "sg"), "have": ("have", "VBP", "pl"), "had": ("have", "VBD", None),
    "having": ("have", "VBG", None),
    "does": ("do", "VBZ", "sg"), "do": ("do", "VBP", "pl"), "did": ("do", "VBD", None),
    "can": ("can", "MD", None), "could": ("could", "MD", None), "will": ("will", "MD", None),
    "would": ("would", "MD", None), "shall": ("shall", "MD", None), "should": ("should", "MD", None),
    "may": ("may", "MD", None), "might": ("might", "MD", None), "must": ("must", "MD", None),
    "ought": ("ought", "MD", None),
}
# negative and other contractions written as one token ("don't"): map to the auxiliary they contain
CONTRACTED_AUX = {
    "don't": "do", "doesn't": "does", "didn't": "did", "isn't": "is", "aren't": "are", "wasn't": "was",
    "weren't": "were", "hasn't": "has", "haven't": "have", "hadn't": "had", "can't": "can",
    "couldn't": "could", "won't": "will", "wouldn't": "would", "shouldn't": "should", "mustn't": "must",
    "mightn't": "might", "shan't": "shall", "ain't": "is", "cannot": "can",
}
NEGATIONS = _words("not never n't")

ADVERBS = _words(
    "very really quite too so also just only even still already yet soon now then here there today "
    "tonight yesterday tomorrow always often sometimes usually never ever rarely seldom again almost "
    "nearly perhaps maybe probably certainly surely away back home together alone abroad upstairs "
    "downstairs outside inside indoors outdoors everywhere somewhere anywhere nowhere later early late "
    "fast hard well badly soon once twice rather fairly pretty extremely slightly barely hardly quickly "
    "slowly finally suddenly recently immediately carefully quietly loudly happily sadly gently "
    "ago forward forwards backward backwards ahead instead meanwhile otherwise however therefore thus "
    "indeed anyway tonight overnight daily weekly monthly yearly else enough much more most less least "
    "further furthermore apart aside around about"
)
INTENSIFIERS = _words("very really quite too so extremely rather fairly pretty slightly more most less least")

# --------------------------------------------------------------------------------------------- open classes

HUMAN_MALE = _words(
    "man men boy boys father fathers dad dads daddy brother brothers son sons husband husbands uncle "
    "uncles nephew nephews grandfather grandfathers grandpa grandson grandsons king kings prince princes "
    "gentleman gentlemen sir lord lords monk monks priest priests waiter waiters actor actors hero heroes "
    "emperor emperors duke dukes wizard wizards boyfriend boyfriends fiance groom grooms mr policeman "
    "policemen fisherman fishermen businessman businessmen sportsman chairman spokesman salesman "
    "stepfather stepson godfather bachelor lad lads guy guys fellow fellows steward host hosts"
)
HUMAN_FEMALE = _words(
    "woman women girl girls mother mothers mom moms mum mums mommy sister sisters daughter daughters "
    "wife wives aunt aunts niece nieces grandmother grandmothers grandma granddaughter queen queens "
    "princess princesses lady ladies madam nun nuns waitress waitresses actress actresses heroine "
    "empress duchess witch witches girlfriend girlfriends fiancee bride brides mrs ms miss policewoman "
    "businesswoman chairwoman stepmother stepdaughter godmother maid maids hostess"
)
HUMAN = _words(
    "person people child children kid kids baby babies parent parents friend friends teacher teachers "
    "student students doctor doctors nurse nurses farmer farmers worker workers scientist scientists "
    "pilot pilots chef chefs cook cooks musician musicians artist artists writer writers author authors "
    "player players singer singers dancer dancers driver drivers engineer engineers lawyer lawyers judge "
    "judges soldier soldiers officer officers captain captains manager managers boss bosses employee "
    "employees customer customers client clients guest guests visitor visitors tourist tourists "
    "traveller travellers traveler travelers neighbour neighbours neighbor neighbors patient patients "
    "professor professors pupil pupils baker bakers butcher butchers carpenter carpenters plumber plumbers "
    "mechanic mechanics dentist dentists surgeon surgeons architect architects poet poets painter painters "
    "pianist pianists violinist violinists guitarist guitarists athlete athletes coach coaches team "
    "fan fans reader readers viewer viewers listener listeners speaker speakers leader leaders president "
    "presidents minister ministers mayor mayors citizen citizens villager villagers stranger strangers "
    "thief thieves robber robbers police detective detectives witness witnesses prisoner prisoners "
    "guard guards sailor sailors fishermen hunter hunters shepherd shepherds knight knights servant "
    "servants slave slaves owner owners boss bosses partner partners colleague colleagues cousin cousins "
    "grandparent grandparents grandchild grandchildren sibling siblings spouse toddler toddlers teenager "
    "teenagers adult adults infant infants orphan orphans volunteer volunteers passenger passengers "
    "clerk clerks cashier cashiers banker bankers journalist journalists reporter reporters editor editors "
    "photographer photographers designer designers programmer programmers developer developers "
    "researcher researchers inventor inventors explorer explorers astronaut astronauts firefighter "
    "firefighters gardener gardeners librarian librarians tailor tailors merchant merchants "
    "shopkeeper shopkeepers receptionist receptionists secretary secretaries assistant assistants "
    "expert experts beginner beginners winner winners loser losers champion champions rival rivals enemy "
    "enemies ally allies crowd audience staff crew committee jury chef hairdresser hairdressers "
    "individual individuals resident residents member members tenant tenants landlord landlords "
    "landlady baby sitter babysitter babysitters vet vets doctor surgeon nanny nannies tutor tutors "
    "classmate classmates roommate roommates relative relatives ancestor ancestors victim victims "
    "suspect suspects hero stranger everyone someone anyone nobody somebody anybody everybody"
)
ANIMAL = _words(
    "animal animals dog dogs puppy puppies cat cats kitten kittens bird birds horse horses cow cows "
    "calf calves pig pigs sheep lamb lambs goat goats chicken chickens hen hens rooster duck ducks goose "
    "geese mouse mice rat rats rabbit rabbits fox foxes wolf wolves bear bears lion lions tiger tigers "
    "elephant elephants monkey monkeys deer fish fishes shark sharks whale whales dolphin dolphins snake "
    "snakes frog frogs turtle turtles insect insects bee bees ant ants butterfly butterflies spider "
    "spiders owl owls eagle eagles crow crows parrot parrots squirrel squirrels donkey donkeys camel "
    "camels zebra zebras giraffe giraffes bull bulls ox oxen pony ponies hamster hamsters puppy "
    "kangaroo kangaroos penguin penguins swan swans pigeon pigeons seagull seagulls worm worms fly flies "
    "mosquito mosquitoes beetle beetles dragon dragons unicorn unicorns cattle pet pets creature creatures "
    "beast beasts gorilla gorillas panda pandas koala koalas leopard leopards cheetah cheetahs hawk hawks"
)
# collective/institution nouns: singular, referred to as "it"
COLLECTIVE = _words(
    "company companies team teams committee committees government governments group groups family "
    "families army armies class classes band bands club clubs school schools university universities "
    "bank banks firm firms organization organizations organisation organisations council councils "
    "crowd crowds audience audiences crew crews staff jury juries community communities nation nations "
    "country countries city cities town towns village villages party parties"
)

IRREGULAR_PLURALS = {
    "men": "man", "women": "woman", "children": "child", "people": "person", "mice": "mouse",
    "geese": "goose", "feet": "foot", "teeth": "tooth", "oxen": "ox", "wolves": "wolf", "knives": "knife",
    "wives": "wife", "lives": "life", "leaves": "leaf", "loaves": "loaf", "halves": "half",
    "shelves": "shelf", "thieves": "thief", "calves": "calf", "selves": "self", "scarves": "scarf",
    "gentlemen": "gentleman", "policemen": "policeman", "fishermen": "fisherman", "cacti": "cactus",
    "fungi": "fungus", "criteria": "criterion", "phenomena": "phenomenon", "data": "datum",
    "businessmen": "businessman", "grandchildren": "grandchild", "dice": "die", "lice": "louse",
}
# nouns whose plural is the same word, or that are only plural/only singular
NUMBER_NEUTRAL_NOUNS = _words("sheep deer fish series species aircraft offspring")
PLURAL_ONLY_NOUNS = _words(
    "police cattle scissors trousers pants jeans glasses clothes goods people stairs groceries"
)
SINGULAR_S_NOUNS = _words(
    "bus gas glass class grass boss kiss dress address business news mathematics physics economics "
    "series species lens chaos atlas bonus campus census circus virus focus status bias iris octopus "
    "cactus walrus genius tennis chess mess process success princess actress witness"
)
# temporal nouns: a noun phrase of them is an adverbial ("every night"), never a subject or antecedent
TIME_NOUNS = _words(
    "morning mornings night nights day days evening evenings afternoon afternoons week weeks month months "
    "year years weekend weekends today tonight yesterday tomorrow time times moment hour hours minute "
    "minutes second seconds season spring summer autumn fall winter monday tuesday wednesday thursday "
    "friday saturday sunday noon midnight dawn dusk decade decades century centuries"
)

COMMON_NOUNS = _words(
    "thing things place places time way world life home house houses room rooms door doors window windows "
    "wall walls floor floors roof roofs table tables chair chairs bed beds desk desks sofa couch lamp "
    "kitchen bathroom bedroom garden gardens yard park parks street streets road roads city town village "
    "country river rivers lake lakes sea seas ocean oceans mountain mountains hill hills forest forests "
    "tree trees flower flowers grass leaf plant plants field fields farm farms barn beach beaches island "
    "sky sun moon star stars cloud clouds rain snow wind storm storms weather fire water air earth ground "
    "stone stones rock rocks sand mud ice car cars bus buses train trains plane planes boat boats ship "
    "ships bike bikes bicycle bicycles truck trucks bridge bridges tower towers castle castles church "
    "school schools office offices shop shops store stores market markets hospital hospitals library "
    "libraries museum museums station stations airport restaurant restaurants hotel hotels bank building "
    "buildings book books letter letters paper papers page pages story stories word words name names "
    "song songs music picture pictures photo photos photograph photographs painting paintings film films "
    "movie movies game games ball balls toy toys gift gifts present presents box boxes bag bags bottle "
    "bottles cup cups glass plate plates bowl bowls spoon spoons fork forks knife pot pots pan pans "
    "food bread cake cakes cookie cookies apple apples orange oranges banana bananas egg eggs milk cheese "
    "meat soup rice tea coffee juice wine sugar salt pie pizza sandwich sandwiches dinner lunch breakfast "
    "meal meals fruit vegetables tomato tomatoes potato potatoes carrot carrots feast "
    "money coin coins key keys lock clock clocks watch phone phones computer computers screen radio "
    "television camera cameras machine machines engine engines tool tools hammer nail rope wheel wheels "
    "shirt shirts coat coats jacket jackets hat hats shoe shoes boot boots dress sock socks glove gloves "
    "umbrella umbrellas crown ring rings necklace scarf slipper slippers uniform "
    "hand hands head heads eye eyes face faces arm arms leg legs foot hair heart mouth nose ear ears tail "
    "tails wing wings body voice teeth tooth "
    "idea ideas question questions answer answers problem problems plan plans job jobs work homework "
    "test tests exam exams lesson lessons class course project projects report reports meeting meetings "
    "party parties trip trips journey holiday holidays vacation race races match prize prizes reward "
    "price prices bill bills ticket tickets card cards map maps sign signs message messages news "
    "guitar guitars piano pianos violin violins drum drums instrument instruments concert concerts band "
    "nest nests bone bones shelf cabinet cabinets drawer drawers mat mats rug carpet blanket pillow "
    "fence fences gate gates path paths corner corners edge top bottom side sides end middle "
    "east west north south light lights noise sound sounds smell color colour colours colors shape size "
    "help advice information knowledge truth lie lies secret secrets reason reasons fact facts result "
    "results discovery discoveries paper theory theories experiment experiments science history art "
    "language languages team rule rules law laws war wars peace power energy force "
    "village address attic basement hallway stairs staircase fireplace windowsill balcony garage "
    "vase vases net nets stable stables budget budgets coast shore photograph shift shifts stone "
    "prescription prescriptions medicine thunder lightning one childhood memory memories dream dreams "
    "opinion opinions choice choices chance chances decision decisions mistake mistakes accident "
    "accidents package packages parcel parcels envelope envelopes stamp stamps bicycle tent tents "
    "trail camp flag flags treasure treasures candle candles mirror mirrors poem poems novel novels "
    "magazine magazines newspaper newspapers dish dishes chalk board boards lamp lamps bell bells "
    "plate nail step steps hole holes wood metal gold silver iron glass plastic cloth cotton wool "
    "orchestra theatre theater stage cinema gallery airport port harbour harbor pond stream valley "
    "desert jungle cave caves farm meadow path tunnel tunnels bench benches ladder ladders bucket "
    "buckets basket baskets pocket pockets wallet wallets purse card shelf spot area space room "
    "skin blood bottle job salary career business industry economy market price cost tax"
)

# irregular verbs: base -> (past, past participle)
IRREGULAR_VERBS: dict[str, tuple[str, str]] = {
    "arise": ("arose", "arisen"), "awake": ("awoke", "awoken"), "bear": ("bore", "born"),
    "beat": ("beat", "beaten"), "become": ("became", "become"), "begin": ("began", "begun"),
    "bend": ("bent", "bent"), "bet": ("bet", "bet"), "bind": ("bound", "bound"), "bite": ("bit", "bitten"),
    "bleed": ("bled", "bled"), "blow": ("blew", "blown"), "break": ("broke", "broken"),
    "breed": ("bred", "bred"), "bring": ("brought", "brought"), "build": ("built", "built"),
    "burn": ("burnt", "burnt"), "burst": ("burst", "burst"), "buy": ("bought", "bought"),
    "catch": ("caught", "caught"), "choose": ("chose", "chosen"), "cling": ("clung", "clung"),
    "come": ("came", "come"), "cost": ("cost", "cost"), "creep": ("crept", "crept"), "cut": ("cut", "cut"),
    "deal": ("dealt", "dealt"), "dig": ("dug", "dug"), "draw": ("drew", "drawn"),
    "dream": ("dreamt", "dreamt"), "drink": ("drank", "drunk"), "drive": ("drove", "driven"),
    "eat": ("ate", "eaten"), "fall": ("fell", "fallen"), "feed": ("fed", "fed"), "feel": ("felt", "felt"),
    "fight": ("fought", "fought"), "find": ("found", "found"), "flee": ("fled", "fled"),
    "fly": ("flew", "flown"), "forbid": ("forbade", "forbidden"), "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"), "freeze": ("froze", "frozen"), "get": ("got", "gotten"),
    "give": ("gave", "given"), "go": ("went", "gone"), "grind": ("ground", "ground"),
    "grow": ("grew", "grown"), "hang": ("hung", "hung"), "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"), "hit": ("hit", "hit"), "hold": ("held", "held"), "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"), "kneel": ("knelt", "knelt"), "know": ("knew", "known"),
    "lay": ("laid", "laid"), "lead": ("led", "led"), "lean": ("leant", "leant"), "leap": ("leapt", "leapt"),
    "learn": ("learnt", "learnt"), "leave": ("left", "left"), "lend": ("lent", "lent"), "let": ("let", "let"),
    "lie": ("lay", "lain"), "light": ("lit", "lit"), "lose": ("lost", "lost"), "make": ("made", "made"),
    "mean": ("meant", "meant"), "meet": ("met", "met"), "pay": ("paid", "paid"), "put": ("put", "put"),
    "quit": ("quit", "quit"), "read": ("read", "read"), "ride": ("rode", "ridden"), "ring": ("rang", "rung"),
    "rise": ("rose", "risen"), "run": ("ran", "run"), "say": ("said", "said"), "see": ("saw", "seen"),
    "seek": ("sought", "sought"), "sell": ("sold", "sold"), "send": ("sent", "sent"), "set": ("set", "set"),
    "sew": ("sewed", "sewn"), "shake": ("shook", "shaken"), "shine": ("shone", "shone"),
    "shoot": ("shot", "shot"), "show": ("showed", "shown"), "shrink": ("shrank", "shrunk"),
    "shut": ("shut", "shut"), "sing": ("sang", "sung"), "sink": ("sank", "sunk"), "sit": ("sat", "sat"),
    "sleep": ("slept", "slept"), "slide": ("slid", "slid"), "speak": ("spoke", "spoken"),
    "speed": ("sped", "sped"), "spend": ("spent", "spent"), "spill": ("spilt", "spilt"),
    "spin": ("spun", "spun"), "split": ("split", "split"), "spread": ("spread", "spread"),
    "spring": ("sprang", "sprung"), "stand": ("stood", "stood"), "steal": ("stole", "stolen"),
    "stick": ("stuck", "stuck"), "sting": ("stung", "stung"), "stink": ("stank", "stunk"),
    "strike": ("struck", "struck"), "swear": ("swore", "sworn"), "sweep": ("swept", "swept"),
    "swim": ("swam", "swum"), "swing": ("swung", "swung"), "take": ("took", "taken"),
    "teach": ("taught", "taught"), "tear": ("tore", "torn"), "tell": ("told", "told"),
    "think": ("thought", "thought"), "throw": ("threw", "thrown"), "understand": ("understood", "understood"),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "weave": ("wove", "woven"), "weep": ("wept", "wept"),
    "win": ("won", "won"), "wind": ("wound", "wound"), "write": ("wrote", "written"),
    "withdraw": ("withdrew", "withdrawn"), "overcome": ("overcame", "overcome"),
    "undertake": ("undertook", "undertaken"), "mistake": ("mistook", "mistaken"),
    "upset": ("upset", "upset"), "shed": ("shed", "shed"), "spit": ("spat", "spat"),
    "forsake": ("forsook", "forsaken"), "foresee": ("foresaw", "foreseen"), "dive": ("dove", "dived"),
}
IRREGULAR_PAST_EXTRA = {"dreamed": "dream", "learned": "learn", "burned": "burn", "spilled": "spill",
                        "lighted": "light", "leaned": "lean", "leaped": "leap", "got": "get"}

REGULAR_VERBS = _words(
    "accept add admire admit agree allow announce annoy answer appear apply appreciate approve argue "
    "arrange arrest arrive ask attach attack attempt attend attract avoid bake balance ban bark bathe "
    "beg behave believe belong blame bless blink boil bolt book borrow bounce bow brush bump burn bury "
    "call calm camp care carry cause celebrate change charge chase chat cheat check cheer chew chop "
    "claim clap clean clear climb close collect comb compare compete complain complete concentrate "
    "confess connect consider contain continue copy correct cough count cover crack crash crawl cross "
    "crush cry cure cycle damage dance dare decide deliver depend describe deserve destroy develop "
    "die disagree disappear discover dislike divide double doubt drag drain dress drip drop drown dry "
    "earn educate embarrass employ empty encourage end enjoy enter entertain escape examine excite "
    "excuse exercise exist expand expect explain explode explore extend face fade fail fancy fasten fax "
    "fear fence fetch file fill film finish fire fit fix flash float flood flow flower fold follow "
    "force form found frighten fry gather gaze glow glue grab grate grease greet grin grip groan guarantee "
    "guard guess guide hammer hand handle happen harm hate haunt head heal heap heat help hook hop hope "
    "hover hug hum hunt hurry identify ignore imagine impress improve include increase influence inform "
    "inject injure instruct intend interest interfere interrupt introduce invent invite irritate itch "
    "jail jam jog join joke judge juggle jump kick kill kiss kneel knit knock knot label land last laugh "
    "launch learn level license lick lie lighten like list listen live load lock long look love manage "
    "march mark marry match mate matter measure melt memorise memorize mend milk mine miss mix moan moor "
    "mourn move muddle mug multiply murder nail name need nest nod note notice number obey object observe "
    "obtain occur offend offer open order overflow owe own pack paddle paint park part pass pause peck "
    "pedal peel peep perform permit phone pick pinch pine place plan plant play please plug point poke "
    "polish pop possess post pour practise practice pray preach precede prefer prepare present preserve "
    "press pretend prevent prick print produce program promise protect provide pull pump punch puncture "
    "punish push question queue race radiate rain raise reach realise realize receive recognise recognize "
    "record reduce reflect refuse regret reign reject rejoice relax release rely remain remember remind "
    "remove repair repeat replace reply report reproduce request rescue retire return rhyme rinse risk "
    "rob rock roll rot rub ruin rule rush sack sail satisfy save saw scare scatter scold scorch scrape "
    "scratch scream screw scribble scrub seal search separate serve settle shade share shave shelter "
    "shiver shock shop shrug sigh sign signal sin sip ski skip slap slip slow smash smell smile smoke "
    "snatch sneeze sniff snore snow soak soothe sound spare spark sparkle spell spill spoil spot spray "
    "sprout squash squeak squeal squeeze stain stamp stare start stay steer step stir stitch stop store "
    "strap strengthen stretch strip stroke stuff subtract succeed suck suffer suggest suit supply support "
    "suppose surprise surround suspect suspend switch talk tame tap taste tease telephone tempt terrify "
    "test thank thaw tick tickle tie time tip tire touch tour tow trace trade train transport trap "
    "travel treat tremble trick trip trot trouble trust try tug tumble turn twist type undress unfasten "
    "unite unlock unpack untidy use vanish visit wail wait walk wander want warm warn wash waste watch "
    "water wave weigh welcome whine whip whirl whisper whistle wink wipe wish wobble wonder work worry "
    "wrap wreck wrestle wriggle yawn yell zip zoom sleep cook finish wag taste smell hire tune thank "
    "examine publish paint approve damage celebrate chew defend pass return praise feed clean own "
    "deliver open close grow flow rise stand sit bloom shine pour cry laugh arrive happen fix stop "
    "solve create design study paint hurry plan cover reach lift carry cross kick sail rest understand "
    "ring sing jump wag belong seem appear become stay sound look feel taste smell"
)
# verbs that are also common nouns (the tagger decides by context)
NOUN_VERB_AMBIGUOUS_PRIOR_VERB = _words(
    "work play walk run talk call help look love need want like start stop use change show wait"
)

ADJECTIVES = _words(
    "good bad big small large little great tiny huge enormous giant long short tall high low old young "
    "new ancient modern fresh early late first last next hot cold warm cool wet dry clean dirty light "
    "dark bright dim heavy soft hard smooth rough sharp loud quiet noisy silent fast quick slow rapid "
    "strong weak rich poor cheap expensive free busy lazy easy difficult simple hard happy sad angry "
    "hungry thirsty tired sleepy sick ill healthy well brave afraid scared nervous calm kind cruel nice "
    "friendly polite rude proud shy funny serious clever smart wise stupid silly crazy strange odd weird "
    "normal famous popular important special favourite favorite beautiful pretty lovely ugly handsome "
    "cute gorgeous elegant fine perfect terrible horrible awful wonderful amazing excellent delicious "
    "tasty sweet sour bitter salty spicy red blue green yellow black white brown grey gray pink purple "
    "orange golden silver wooden woollen plastic round square flat deep shallow wide narrow thick thin "
    "fat slim full empty open closed broken frozen lost hidden fallen torn stolen sunny rainy cloudy "
    "windy snowy foggy stormy muddy dusty sandy rocky icy frosty steep gentle wild tame dangerous safe "
    "true false real fake right wrong correct same different similar other whole entire main final "
    "public private local foreign national royal dead alive asleep awake alone glad sorry sure certain "
    "ready able unable likely unlikely possible impossible necessary useful useless careful careless "
    "honest loyal generous curious eager anxious jealous lonely quick young elderly pale fierce gentle "
    "huge vast enormous miniature massive mighty noble humble bold shiny dull fancy plain rare common "
    "strict fair unfair loose tight extra excited exciting bored boring interesting tired tiring "
    "worried surprised amazed annoyed confused frightened delighted pleased shocked thrilled "
    "crowded empty messy tidy neat lucky unlucky magic magical mysterious secret sacred holy evil "
    "brilliant clear cloudy fresh stale ripe raw cooked boiled fried baked roasted frozen melted "
    "wounded injured hurt grateful thankful famous favourite total complete visible invisible "
    "distant nearby remote urban rural tropical arctic native strange unknown familiar usual unusual "
    "quiet peaceful violent busy lively dull bright vivid pale rosy dusty shady sharp blunt"
)
# "-ed"/"-en" words that are listed as adjectives above are still verb forms after an auxiliary ("was broken")

MALE_NAMES = _words(
    "tom thomas john james jim jimmy peter paul mark michael mike david dave daniel dan robert rob bob "
    "william will bill richard rick joseph joe charles charlie george henry harry jack oliver ben benjamin "
    "sam samuel max alex alexander andrew andy adam edward ed frank fred frederick arthur albert alan "
    "brian chris christopher kevin steven steve tim timothy tony anthony luke lucas matthew matt nathan "
    "nick nicholas noah ethan liam leo louis oscar patrick ryan simon stephen ted victor walter hugo "
    "carlos jose juan luis pedro pablo ahmed ali omar hassan ivan dmitri hans klaus pierre jacques "
    "marco luca giovanni hiroshi kenji raj arjun wei jake kyle eric greg gary larry scott jason "
    "justin brandon tyler aaron isaac jacob ethan owen dylan logan caleb grandpa grandad granddad"
)
FEMALE_NAMES = _words(
    "mary anna anne ann emma emily sarah sara lisa lucy kate katie catherine elizabeth liz jane jenny "
    "jennifer alice grace olivia sophia sophie mia isabella ella chloe amy laura linda susan karen nancy "
    "helen rachel rebecca julia julie maria marie claire clara hannah jessica jess nina nora rose rosa "
    "ruth sally sandra tina victoria wendy zoe amelia charlotte ava lily eva eve fiona gemma holly "
    "irene jasmine kim lauren megan molly natalie paula rita sofia tanya ursula vera yasmin fatima "
    "aisha priya mei yuki ingrid greta elena carmen lucia chiara monica angela diana grandma granny "
    "beth betty dorothy margaret martha janet joan judy heather emily abby abigail madison ashley"
)
