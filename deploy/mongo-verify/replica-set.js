// mongo1's healthcheck in the verification kit: on the first run rs.status() fails (no
// configuration yet), so it initiates the three-member set "rs0" under the names the runner uses;
// after that it reports healthy once the set has a primary (any member: the step-down test moves it).
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  rs.initiate({
    _id: "rs0",
    members: [
      { _id: 0, host: "mongo1:27017" },
      { _id: 1, host: "mongo2:27017" },
      { _id: 2, host: "mongo3:27017" },
    ],
  });
}
quit(db.hello().primary ? 0 : 1);
