// Run by the mongo-init service of docker-compose.cluster.yml (mongosh --host mongo1:27017),
// on every `up`: initiates the three-member replica set "rs0" under the host names the nodes
// use in MONGODB_URL when it has no configuration yet (a later run finds it and changes
// nothing), then waits until the set has a primary, so the nodes start against a writable set.
const members = ["mongo1:27017", "mongo2:27017", "mongo3:27017"];
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  rs.initiate({ _id: "rs0", members: members.map((host, i) => ({ _id: i, host })) });
}
const deadline = Date.now() + 60_000;
while (!db.hello().primary) {
  if (Date.now() > deadline) {
    print("replica set rs0: no primary after 60 s");
    quit(1);
  }
  sleep(1000);
}
print(`replica set rs0: primary ${db.hello().primary}`);
