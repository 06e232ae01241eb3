// The server registers every screen family's messages; so do the tests that stand in for it.
import "@/domain/i18n/all";
