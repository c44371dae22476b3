// The mongo service's healthcheck, which also makes its replica set (transactions need one).
// On the first start rs.status() fails (no configuration yet), so it initiates a one-member
// set "rs0" under the host name the nodes use (mongo:27017); after that it only reports
// healthy once this member is the writable primary.
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
quit(db.hello().isWritablePrimary ? 0 : 1);
