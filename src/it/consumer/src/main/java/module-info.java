/** The consumer as a named module; on the class path this descriptor is ignored. */
module org.hebb4j.demo {
  requires org.hebb4j;
}
