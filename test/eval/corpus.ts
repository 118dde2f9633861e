// Search evaluation corpus written for Tidepool: 200 short posts across ten distinct topics.
// Each line is "topic | title | body". Queries in queries.ts point at these by index.
const RAW = `
ocean | Humpback whales migrate to warm breeding waters | Every winter humpbacks swim thousands of kilometres from polar feeding grounds to tropical lagoons to give birth.
ocean | Why coral reefs bleach | When sea temperatures rise, corals expel the algae living in their tissue and turn white; long heatwaves kill them.
ocean | Tide pools at low tide | Rocky shore pools trap anemones, crabs and small fish twice a day when the water retreats.
ocean | Kelp forests grow half a metre a day | Giant kelp anchors to the seabed with holdfasts and forms underwater forests that shelter otters and urchins.
ocean | Octopus camouflage | Octopuses change colour and skin texture in milliseconds using chromatophores controlled by their nerves.
ocean | The deep sea anglerfish lure | Anglerfish dangle a glowing bioluminescent lure filled with bacteria to attract prey in total darkness.
ocean | Plastic in the great Pacific garbage patch | Floating debris gathers in the North Pacific gyre, where currents trap it for decades.
ocean | How sea turtles find their beach | Female turtles return to nest on the beach where they hatched, navigating by the earth's magnetic field.
ocean | Dolphins sleep with half their brain | Bottlenose dolphins rest one hemisphere at a time so they can keep surfacing to breathe.
ocean | Krill feed the southern ocean | Antarctic krill swarm in billions and are the main food of baleen whales, penguins and seals.
ocean | Rip currents and how to escape | A rip pulls swimmers away from shore; swim parallel to the beach until you are out of it.
ocean | Mangroves protect coastlines | Mangrove roots slow storm surges and trap sediment, building land along tropical coasts.
ocean | The Mariana Trench depth record | The Challenger Deep lies nearly eleven kilometres below the surface, where pressure is a thousand atmospheres.
ocean | Sharks sense electric fields | Ampullae of Lorenzini let sharks detect the faint electrical signals of hidden prey.
ocean | Ocean acidification and shellfish | Absorbed carbon dioxide lowers seawater pH, making it harder for oysters and snails to build shells.
ocean | Jellyfish blooms | Warm water and overfishing let jellyfish populations explode and clog fishing nets.
ocean | Seagrass meadows store carbon | Seagrass beds lock away carbon in their sediment faster than tropical rainforests.
ocean | The Gulf Stream warms Europe | This current carries warm Caribbean water across the Atlantic toward Ireland and Norway.
ocean | Puffins nest in burrows | Atlantic puffins dig burrows on cliff tops and carry rows of sand eels in their beaks.
ocean | Hydrothermal vents host life without sunlight | Tube worms and bacteria near black smokers live on chemical energy from the vents.
cooking | Feeding a sourdough starter | Mix equal weights of flour and water each day; the wild yeast starter doubles and smells tangy.
cooking | Perfect soft boiled eggs | Lower eggs into boiling water for six and a half minutes, then chill them in ice water.
cooking | Why you should rest steak | Letting meat rest after searing lets juices redistribute instead of running onto the board.
cooking | Making fresh pasta by hand | Knead flour with eggs into a smooth dough, rest it, then roll thin sheets for tagliatelle.
cooking | Caramelising onions slowly | Cook sliced onions on low heat for forty minutes until they turn deep brown and sweet.
cooking | Homemade chicken stock | Simmer roasted bones with carrots, celery and onion for hours, then strain and skim the fat.
cooking | Tempering chocolate | Melt, cool and gently rewarm chocolate so cocoa butter crystals set glossy with a snap.
cooking | Knife skills for dicing | Curl your fingertips, keep the tip of the blade on the board and rock the knife.
cooking | Pickling vegetables in brine | Submerge cucumbers in salted water with dill and garlic and let lactic fermentation sour them.
cooking | The Maillard reaction | Browning of proteins and sugars above 140 degrees creates the flavour of toast, crust and seared meat.
cooking | Cooking rice without a rice cooker | Rinse the grains, use one and a half cups of water per cup, simmer covered, then steam off the heat.
cooking | Emulsifying mayonnaise | Whisk oil drop by drop into egg yolk and lemon so the lecithin holds the sauce together.
cooking | Baking bread in a dutch oven | A preheated cast iron pot traps steam so the loaf rises high and forms a crackling crust.
cooking | Spices bloom in hot oil | Frying cumin and mustard seeds briefly in oil releases aromas before adding the curry base.
cooking | Salting pasta water | Season the water generously so the noodles absorb salt while they cook.
cooking | Sous vide steak at 54 degrees | Vacuum sealed beef held in a precise water bath comes out evenly medium rare edge to edge.
cooking | Fixing a broken hollandaise | Whisk a spoon of warm water into the split sauce, or start a new yolk and drip the broken sauce in.
cooking | Ramen broth with pork bones | Boil pork bones hard for twelve hours to make a milky tonkotsu soup.
cooking | Storing fresh herbs | Keep basil in water on the counter and wrap parsley in damp paper in the fridge.
cooking | Making butter from cream | Shake heavy cream until the fat clumps, then rinse the butter and squeeze out the buttermilk.
programming | Understanding the Rust borrow checker | Rust enforces one mutable reference or many shared references so data races are impossible at compile time.
programming | Python virtual environments | Create an isolated environment with venv so each project keeps its own package versions.
programming | Git rebase versus merge | Rebasing rewrites your commits on top of main for a linear history; merging keeps both branches.
programming | Why SQL indexes speed up queries | A B-tree index lets the database find rows by key without scanning the whole table.
programming | JavaScript promises and async await | Async functions return promises; await pauses until the promise resolves without blocking the event loop.
programming | Writing unit tests that can fail | Assert on outputs and state changes, not just that the code ran without throwing.
programming | Garbage collection in Java | The JVM reclaims unreachable objects with generational collectors that mostly clean young objects.
programming | Docker containers versus virtual machines | Containers share the host kernel and start in milliseconds; virtual machines emulate whole hardware.
programming | Big O notation | Describes how running time grows with input size, such as linear or logarithmic complexity.
programming | Regular expressions for email validation | A pattern can reject obvious garbage, but only sending a message proves an address works.
programming | TypeScript strict mode | Enabling strict null checks catches undefined values before they crash in production.
programming | Handling errors in Go | Functions return an error value that callers check explicitly instead of catching exceptions.
programming | HTTP status codes explained | 404 means not found, 401 unauthenticated, 403 forbidden, 429 rate limited and 500 a server bug.
programming | Recursion and the call stack | Each recursive call pushes a frame; without a base case the stack overflows.
programming | Hash maps and collisions | Keys hash to buckets; colliding keys share a bucket through chaining or probing.
programming | Continuous integration pipelines | Every push runs the build and test suite so broken code never reaches the main branch.
programming | Memory leaks in C | Forgetting to free heap allocations leaks memory until the process runs out.
programming | Functional programming with map and filter | Transform collections with pure functions instead of loops that mutate state.
programming | Concurrency with threads and locks | A mutex lets only one thread touch shared data at a time, preventing race conditions.
programming | Semantic versioning | Major versions break compatibility, minor versions add features and patches fix bugs.
astronomy | Why Pluto is no longer a planet | In 2006 astronomers reclassified Pluto as a dwarf planet because it has not cleared its orbit.
astronomy | How black holes form | When a massive star collapses, gravity squeezes its core until not even light escapes.
astronomy | The James Webb Space Telescope sees infrared | Its gold mirror collects infrared light from the first galaxies formed after the Big Bang.
astronomy | Phases of the Moon | As the Moon orbits the Earth we see different portions lit by the Sun, from new to full.
astronomy | Solar eclipses | The Moon passes between Earth and Sun and its shadow darkens a narrow path on the ground.
astronomy | Mars rovers search for ancient water | Perseverance drills rocks in Jezero crater, an old lake bed, looking for signs of past life.
astronomy | The northern lights | Charged particles from the solar wind hit the upper atmosphere and make it glow green and red.
astronomy | Exoplanets found by transits | Telescopes detect planets around other stars by the tiny dip in light when they pass in front.
astronomy | Saturn's rings are made of ice | The rings are billions of chunks of water ice, some as small as dust and some as big as houses.
astronomy | Light years measure distance | A light year is the distance light travels in a year, about nine and a half trillion kilometres.
astronomy | Meteor showers like the Perseids | Earth crosses the debris trail of a comet and grains burn up as shooting stars.
astronomy | The life cycle of stars | Stars fuse hydrogen for billions of years, swell into giants and end as white dwarfs or supernovae.
astronomy | Jupiter's great red spot | A storm larger than Earth has raged in Jupiter's atmosphere for centuries.
astronomy | The cosmic microwave background | The faint afterglow of the Big Bang fills the sky with radiation at under three kelvin.
astronomy | Neutron stars | The collapsed core of a supernova packs more than a sun's mass into a city-sized ball.
astronomy | Dark matter and galaxy rotation | Galaxies spin too fast for their visible mass, implying invisible matter holds them together.
astronomy | Choosing a first telescope | A small dobsonian reflector shows lunar craters, Saturn's rings and bright nebulae.
astronomy | The International Space Station orbit | The station circles Earth every ninety minutes about four hundred kilometres up.
astronomy | Comets and their tails | Sunlight vaporises a comet's ice, pushing gas and dust into tails that point away from the Sun.
astronomy | Light pollution hides the stars | City lighting scatters in the air and washes out the Milky Way for most people.
gardening | Growing tomatoes in containers | Use a large pot, rich compost and daily watering; stake the plants as fruit sets.
gardening | Composting kitchen scraps | Mix green scraps with brown leaves, keep the heap moist and turn it to speed decomposition.
gardening | Pruning roses in late winter | Cut back dead canes and open the centre of the bush just above an outward facing bud.
gardening | Attracting bees and pollinators | Plant lavender, borage and native wildflowers and avoid spraying insecticide.
gardening | Dealing with aphids naturally | Blast them off with water or encourage ladybirds, which eat hundreds a day.
gardening | Raised garden beds | Raised beds warm up earlier in spring, drain well and spare your back.
gardening | When to plant garlic | Plant cloves in autumn so they root before winter and form bulbs by early summer.
gardening | Watering deeply but rarely | Deep soaking encourages roots to grow down instead of staying near the dry surface.
gardening | Growing herbs on a windowsill | Basil, chives and mint grow well indoors with six hours of sun.
gardening | Saving seeds from your vegetables | Let beans and tomatoes fully ripen, then dry and store the seeds for next year.
gardening | Mulching to keep weeds down | A thick layer of straw or wood chips smothers weeds and keeps soil moist.
gardening | Soil pH and blueberries | Blueberries need acidic soil around pH five, so add sulphur or ericaceous compost.
gardening | Companion planting | Marigolds beside vegetables deter pests and basil is said to help tomatoes.
gardening | Growing potatoes in bags | Plant seed potatoes in deep sacks and keep adding soil as the shoots grow.
gardening | Caring for succulents | Water sparingly, give them bright light and use gritty soil that drains fast.
gardening | Slugs eating lettuce | Beer traps and copper tape keep slugs away from young salad leaves.
gardening | Starting seeds indoors | Sow in trays under lights six weeks before the last frost, then harden seedlings off outside.
gardening | Planting fruit trees | Dig a wide hole, keep the graft above the soil and water the young tree through its first summer.
gardening | Lawn alternatives like clover | Clover stays green in drought, feeds bees and never needs fertiliser.
gardening | Overwintering dahlias | Lift the tubers after the first frost, dry them and store them in a frost free shed.
fitness | Starting to run with intervals | Alternate one minute of jogging with two of walking and build up over eight weeks.
fitness | Proper squat form | Keep your chest up, knees tracking over toes and hips sinking below parallel.
fitness | Why sleep matters for muscle recovery | Growth hormone peaks during deep sleep, when torn muscle fibres repair.
fitness | Stretching before or after exercise | Dynamic warm ups suit the start of a workout; hold static stretches afterwards.
fitness | Protein needs for strength training | Around one and a half grams per kilogram of body weight supports muscle growth.
fitness | Building a push up habit | Start with incline push ups against a bench and add a few repetitions every week.
fitness | Swimming for low impact cardio | Water supports your weight, so laps train the heart without pounding the joints.
fitness | Tracking heart rate zones | Easy runs in zone two build endurance; short hard efforts raise your top speed.
fitness | Preventing shin splints | Increase mileage slowly, run on softer ground and replace worn shoes.
fitness | Yoga for flexibility | Daily poses such as downward dog gradually lengthen the hamstrings and calves.
fitness | Hydration during long workouts | Drink regularly and replace salt lost in sweat on sessions over an hour.
fitness | Deadlift technique | Hinge at the hips with a neutral spine and push the floor away with your legs.
fitness | Cycling to work | Commuting by bike adds daily cardio and saves time stuck in traffic.
fitness | Rest days prevent overtraining | Muscles grow between sessions, so schedule easy days to avoid fatigue and injury.
fitness | Plank variations for core strength | Side planks and forearm planks strengthen the abdominal wall without crunches.
fitness | Training for a first marathon | Follow a sixteen week plan with one long run each weekend building to thirty kilometres.
fitness | Kettlebell swings | Drive the bell with a powerful hip snap, not your arms, for explosive conditioning.
fitness | Walking ten thousand steps | Brisk daily walking lowers blood pressure and is easy to fit into any schedule.
fitness | Foam rolling sore muscles | Rolling the thighs and calves eases tightness after hard training.
fitness | Breathing while lifting weights | Brace and hold your breath on the hard part of the lift, then exhale at the top.
music | Learning guitar chords | Start with G, C, D and E minor and practise switching between them slowly.
music | How to read sheet music | Notes on the staff show pitch; their shapes show how long each note lasts.
music | Tuning a violin | Tune the A string to 440 hertz, then match the others in perfect fifths.
music | Home recording on a budget | A USB microphone, headphones and free software are enough to record demos.
music | The circle of fifths | Each step adds one sharp or flat, which shows how keys relate for modulation.
music | Practising with a metronome | Play slowly with the click and raise the tempo only when every note is clean.
music | Jazz improvisation basics | Learn the chord tones over each change and build solos from short motifs.
music | Drum rudiments | Single strokes, double strokes and paradiddles build stick control.
music | Piano scales for beginners | C major uses only white keys; practise it hands together with the right fingering.
music | Singing with breath support | Breathe low into the belly and let the diaphragm steady long phrases.
music | Mixing vocals in a song | Cut muddy low frequencies, compress gently and add a little reverb.
music | The history of the blues | Born in the Mississippi Delta, the blues shaped rock, jazz and soul.
music | Changing guitar strings | Loosen the old strings, wind the new ones neatly and stretch them before tuning.
music | Writing song lyrics | Start with a strong chorus hook and tell a concrete story in the verses.
music | Understanding time signatures | Four four has four quarter notes per bar; three four gives a waltz feel.
music | Orchestra sections | Strings, woodwinds, brass and percussion each sit in their own part of the stage.
music | Ear training for intervals | Learn to hear a perfect fifth or a major third by singing familiar songs.
music | Choosing headphones for mixing | Open back studio headphones give a flatter, more honest sound than consumer models.
music | Learning ukulele | With four nylon strings and easy chord shapes it is a gentle first instrument.
music | Vinyl records make a comeback | Collectors buy turntables again for the warm sound and the big cover art.
history | The fall of the Roman Empire | Invasions, economic crisis and divided rule ended the western empire in 476.
history | The printing press changes Europe | Gutenberg's movable type made books cheap and spread ideas of the Reformation.
history | Building the pyramids of Giza | Thousands of paid workers hauled limestone blocks on sledges over wetted sand.
history | The Black Death | Plague carried by fleas on rats killed about a third of Europe in the fourteenth century.
history | The Industrial Revolution | Steam engines and textile mills moved work from farms into factories in Britain.
history | The moon landing in 1969 | Apollo 11 put Neil Armstrong and Buzz Aldrin on the lunar surface.
history | The Berlin Wall falls | In 1989 crowds crossed the checkpoints and began tearing down the wall dividing the city.
history | The Silk Road trade routes | Caravans carried silk, spices and ideas between China and the Mediterranean.
history | Magna Carta | In 1215 English barons forced King John to accept limits on royal power.
history | The invention of writing in Mesopotamia | Sumerian scribes pressed cuneiform signs into clay tablets to keep accounts.
history | Viking voyages to North America | Norse sailors led by Leif Erikson reached Newfoundland around the year 1000.
history | The French Revolution | In 1789 Parisians stormed the Bastille and the monarchy soon collapsed.
history | The abolition of slavery in Britain | Parliament banned the slave trade in 1807 after long campaigns by abolitionists.
history | The Wright brothers first flight | At Kitty Hawk in 1903 their powered glider flew for twelve seconds.
history | Ancient Greek democracy | Athenian citizens voted directly on laws in the assembly on the Pnyx hill.
history | The Great Wall of China | Successive dynasties built walls over centuries to keep northern nomads out.
history | The Renaissance in Florence | Patrons like the Medici funded artists such as Leonardo and Michelangelo.
history | The Titanic sinks | The liner struck an iceberg on its maiden voyage in 1912 and more than fifteen hundred died.
history | Women win the right to vote | Suffragettes campaigned for decades; New Zealand granted the vote first in 1893.
history | The Cold War space race | The Soviet Sputnik launch in 1957 pushed the United States to create NASA.
money | Building an emergency fund | Save three to six months of expenses in an easy access account before investing.
money | Index funds versus stock picking | Low cost funds that track the whole market beat most active managers over time.
money | Compound interest | Interest earned on interest makes savings grow faster the longer you leave them.
money | Paying off credit card debt | Clear the card with the highest interest rate first while paying minimums on the rest.
money | Making a monthly budget | List income, fixed bills and variable spending, then give every pound a job.
money | How inflation erodes savings | When prices rise faster than your interest rate, cash loses buying power.
money | Retirement pensions and employer matching | Contribute at least enough to get your employer's full matching payment.
money | Buying versus renting a home | Owning builds equity but ties up a deposit and adds repair costs.
money | Understanding your credit score | Paying on time and keeping balances low raises the score lenders check.
money | Avoiding phishing scams | Banks never ask for your password by email; check the sender before clicking links.
money | Diversifying investments | Spreading money across stocks, bonds and countries lowers the risk of one big loss.
money | Mortgage fixed versus variable rates | A fixed rate keeps payments stable while a variable rate follows the central bank.
money | Side hustles for extra income | Freelancing or selling crafts online can add a few hundred a month.
money | Cutting subscription costs | Review streaming and app subscriptions and cancel the ones you rarely use.
money | Tax on capital gains | Profits from selling shares above an allowance are taxed when you sell.
money | Saving for a child's education | Start small regular contributions early to let growth do the work.
money | Cryptocurrency volatility | Bitcoin prices can swing by half in a year, so only invest what you can lose.
money | Insurance you actually need | Health, home and liability cover matter more than extended warranties.
money | Negotiating a salary raise | Research market pay, list your results and ask for a specific number.
money | Frugal grocery shopping | Plan meals, buy store brands and shop with a list to cut the food bill.
pets | House training a puppy | Take the puppy outside after every meal and nap and praise it the moment it goes.
pets | Why cats knead blankets | Kneading is a kitten habit from nursing that adult cats keep when they feel content.
pets | Choosing dog food | Look for a named meat as the first ingredient and a complete and balanced label.
pets | Keeping a goldfish healthy | Goldfish need a filtered tank, weekly partial water changes and far more space than a bowl.
pets | Trimming a dog's nails | Clip a little at a time and stop before the pink quick where the blood vessel runs.
pets | Litter box problems | Cats avoid dirty or badly placed boxes; keep one more box than the number of cats.
pets | Rabbits need company | Rabbits are social animals and live happier lives in bonded pairs.
pets | Walking a dog that pulls | Stop whenever the lead goes tight and reward the dog for walking beside you.
pets | Vaccinations for kittens | Kittens get their first shots at eight weeks and boosters a few weeks later.
pets | Parrots can live for decades | Large parrots may outlive their owners, so plan for their long lives.
pets | Signs of a sick hamster | A wet tail, hunched posture or not eating are reasons to see a vet quickly.
pets | Crate training | A crate becomes a safe den when you feed meals in it and never use it as punishment.
pets | Cats and toxic plants | Lilies are deadly to cats even in small amounts, including the pollen.
pets | Teaching a dog to sit | Lift a treat above its nose so the head goes up and the bottom goes down, then reward.
pets | Grooming long haired cats | Brush persian cats daily to prevent painful mats in their fur.
pets | Adopting a retired greyhound | Former racing greyhounds are gentle couch potatoes that need a secure garden.
pets | Keeping chickens in the garden | A small flock needs a fox proof coop, fresh water and layers pellets.
pets | Dogs and chocolate | Theobromine in chocolate is poisonous to dogs, dark chocolate most of all.
pets | Microchipping pets | A chip under the skin lets shelters and vets reunite lost animals with owners.
pets | Tortoises hibernate | Many tortoises sleep through winter in a cool box kept just above freezing.
`;

export interface EvalDoc {
  index: number;
  topic: string;
  title: string;
  content: string;
}

export const CORPUS: EvalDoc[] = RAW.trim()
  .split("\n")
  .map((line, index) => {
    const [topic, title, content] = line.split(" | ");
    return { index, topic: topic!, title: title!, content: content! };
  });
